/* An open-addressing hash map from borrowed strings to pointers. Keys are
 * not copied: they must outlive the map (they live in an arena). */
#ifndef TN_STRMAP_H
#define TN_STRMAP_H
#include <stddef.h>
#include <stdint.h>

typedef struct tn_strmap_entry {
    const char *key;
    size_t len;
    uint64_t hash;
    void *value;
} tn_strmap_entry;

typedef struct tn_strmap {
    tn_strmap_entry *slots;
    size_t cap, count;
} tn_strmap;

uint64_t tn_hash(const char *s, size_t len);
/* 0 ok, -1 out of memory. Replaces an existing key's value. */
int tn_strmap_put(tn_strmap *m, const char *key, size_t len, void *value);
void *tn_strmap_get(const tn_strmap *m, const char *key, size_t len);
/* Makes room for `count` keys in all, so that a map whose size is known is
 * sized once instead of grown step by step. 0 ok, -1 out of memory. */
int tn_strmap_reserve(tn_strmap *m, size_t count);
void tn_strmap_free(tn_strmap *m);

#endif
