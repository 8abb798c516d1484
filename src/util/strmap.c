/* Open addressing with linear probing over a power-of-two table; grows
 * when 70% full. No deletion: maps are built, read, and freed whole. */
#include "strmap.h"

#include "alloc.h"

#include <stdint.h>
#include <string.h>

/* Eight bytes per step (every key of a document passes through here: a
 * byte-at-a-time hash cost more than the lookups), the last bytes read as
 * one word that may overlap the previous one, then a final mix so that the
 * low bits, the table index, depend on every byte. Tables are never iterated
 * in hash order, so the function may change freely. */
uint64_t tn_hash(const char *s, size_t len) {
    const uint64_t k = 0x9e3779b97f4a7c15ULL;
    const unsigned char *p = (const unsigned char *)s;
    uint64_t h = (uint64_t)len * k, w = 0;
    if (len >= 8) {
        for (size_t i = 0; i + 8 < len; i += 8) {
            memcpy(&w, p + i, 8);
            h = (h ^ w) * k;
            h ^= h >> 29;
        }
        memcpy(&w, p + len - 8, 8);
    } else if (len >= 4) {
        uint32_t a, b;
        memcpy(&a, p, 4);
        memcpy(&b, p + len - 4, 4);
        w = (uint64_t)a << 32 | b;
    } else if (len > 0) {
        w = (uint64_t)p[0] << 16 | (uint64_t)p[len / 2] << 8 | p[len - 1];
    }
    h = (h ^ w) * 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 31;
    h *= 0x94d049bb133111ebULL;
    return h ^ (h >> 32);
}

static tn_strmap_entry *find_slot(tn_strmap_entry *slots, size_t cap, const char *key, size_t len,
                                  uint64_t hash) {
    size_t mask = cap - 1;
    for (size_t i = (size_t)hash & mask;; i = (i + 1) & mask) {
        tn_strmap_entry *e = &slots[i];
        if (!e->key)
            return e;
        if (e->hash == hash && e->len == len && memcmp(e->key, key, len) == 0)
            return e;
    }
}

static int resize(tn_strmap *m, size_t cap) {
    tn_strmap_entry *slots = tn_calloc(cap, sizeof *slots);
    if (!slots)
        return -1;
    for (size_t i = 0; i < m->cap; i++) {
        tn_strmap_entry *e = &m->slots[i];
        if (e->key)
            *find_slot(slots, cap, e->key, e->len, e->hash) = *e;
    }
    tn_free(m->slots);
    m->slots = slots;
    m->cap = cap;
    return 0;
}

int tn_strmap_reserve(tn_strmap *m, size_t count) {
    if (count > SIZE_MAX / 10)
        return -1;
    /* Keep count at or below 70% of the capacity. */
    if (m->cap && count * 10 <= m->cap * 7)
        return 0;
    size_t cap = m->cap ? m->cap : 8;
    while (count * 10 > cap * 7) {
        if (cap > SIZE_MAX / 2 / sizeof(tn_strmap_entry))
            return -1;
        cap *= 2;
    }
    return cap != m->cap ? resize(m, cap) : 0;
}

int tn_strmap_put(tn_strmap *m, const char *key, size_t len, void *value) {
    if (!key)
        key = ""; /* an empty slot is marked by a NULL key */
    if (tn_strmap_reserve(m, m->count + 1) != 0)
        return -1;
    uint64_t h = tn_hash(key, len);
    tn_strmap_entry *e = find_slot(m->slots, m->cap, key, len, h);
    if (!e->key) {
        e->key = key;
        e->len = len;
        e->hash = h;
        m->count++;
    }
    e->value = value;
    return 0;
}

void *tn_strmap_get(const tn_strmap *m, const char *key, size_t len) {
    if (!m->cap)
        return NULL;
    if (!key)
        key = "";
    tn_strmap_entry *e = find_slot(m->slots, m->cap, key, len, tn_hash(key, len));
    return e->key ? e->value : NULL;
}

void tn_strmap_free(tn_strmap *m) {
    tn_free(m->slots);
    m->slots = NULL;
    m->cap = m->count = 0;
}
