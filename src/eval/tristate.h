/* Kleene three-valued logic. Unknown never collapses inside a connective:
 * only the verdict layer turns it into "could not verify". */
#ifndef TN_TRISTATE_H
#define TN_TRISTATE_H

typedef enum tn_tri { TN_FALSE = 0, TN_TRUE = 1, TN_UNKNOWN = 2 } tn_tri;

static inline tn_tri tn_tri_not(tn_tri a) {
    return a == TN_UNKNOWN ? TN_UNKNOWN : (a == TN_TRUE ? TN_FALSE : TN_TRUE);
}
static inline tn_tri tn_tri_and(tn_tri a, tn_tri b) {
    if (a == TN_FALSE || b == TN_FALSE) return TN_FALSE;
    if (a == TN_UNKNOWN || b == TN_UNKNOWN) return TN_UNKNOWN;
    return TN_TRUE;
}
static inline tn_tri tn_tri_or(tn_tri a, tn_tri b) {
    if (a == TN_TRUE || b == TN_TRUE) return TN_TRUE;
    if (a == TN_UNKNOWN || b == TN_UNKNOWN) return TN_UNKNOWN;
    return TN_FALSE;
}
/* a implies b */
static inline tn_tri tn_tri_implies(tn_tri a, tn_tri b) { return tn_tri_or(tn_tri_not(a), b); }
static inline tn_tri tn_tri_from_bool(int b) { return b ? TN_TRUE : TN_FALSE; }

#endif
