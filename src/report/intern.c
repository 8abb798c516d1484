/* Open addressing with linear probing over a power-of-two table of 16-byte
 * slots (pointer, hash, length), grown when 70% full; hash and length
 * settle most mismatches without touching the string. */
#include "report/intern.h"

#include "util/alloc.h"
#include "util/strmap.h"

#include <stdbool.h>
#include <string.h>

/* Strings a report stores before it builds the table: below this, hashing
 * them costs more than the copies it could save. */
#define UNRECORDED_MAX 32
#define FIRST_CAP 64

/* The slot holding the string, or the empty slot where it belongs. */
static tn_intern_slot *find(tn_intern_slot *slots, size_t cap, const char *s, uint32_t len,
                            uint32_t hash) {
    size_t mask = cap - 1;
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
        tn_intern_slot *e = &slots[i];
        if (!e->s || (e->hash == hash && e->len == len && memcmp(e->s, s, len) == 0))
            return e;
    }
}

static bool grow(tn_intern *t) {
    size_t cap = t->cap ? t->cap * 2 : FIRST_CAP;
    if (cap > SIZE_MAX / sizeof(tn_intern_slot))
        return false;
    tn_intern_slot *slots = tn_calloc(cap, sizeof *slots);
    if (!slots)
        return false;
    for (size_t i = 0; i < t->cap; i++)
        if (t->slots[i].s)
            *find(slots, cap, t->slots[i].s, t->slots[i].len, t->slots[i].hash) = t->slots[i];
    tn_free(t->slots);
    t->slots = slots;
    t->cap = cap;
    return true;
}

const char *tn_intern_find(const tn_intern *t, const char *s, size_t len) {
    if (!t->cap || len > UINT32_MAX) /* longer strings are not recorded */
        return NULL;
    return find(t->slots, t->cap, s, (uint32_t)len, (uint32_t)tn_hash(s, len))->s;
}

const char *tn_intern_record(tn_intern *t, const char *copy, size_t len) {
    if (len > UINT32_MAX || (!t->cap && ++t->unrecorded <= UNRECORDED_MAX))
        return copy;
    if ((t->count + 1) * 10 > t->cap * 7 && !grow(t))
        return copy; /* not shared, still correct */
    uint32_t hash = (uint32_t)tn_hash(copy, len);
    tn_intern_slot *e = find(t->slots, t->cap, copy, (uint32_t)len, hash);
    if (e->s)
        return e->s;
    e->s = copy;
    e->hash = hash;
    e->len = (uint32_t)len;
    t->count++;
    return copy;
}

const char *tn_intern_put(tn_intern *t, tn_arena *a, const char *s, size_t len) {
    const char *found = tn_intern_find(t, s, len);
    if (found)
        return found;
    const char *copy = tn_arena_strndup(a, s, len);
    return copy ? tn_intern_record(t, copy, len) : NULL;
}

const char *tn_intern_str(tn_intern *t, tn_arena *a, const char *s) {
    return s ? tn_intern_put(t, a, s, strlen(s)) : NULL;
}

void tn_intern_free(tn_intern *t) {
    tn_free(t->slots);
    t->slots = NULL;
    t->cap = t->count = t->unrecorded = 0;
}
