/* SPDX-License-Identifier: MIT */
/*
 * Pure logic behind the C library's strto* family, qsort and the
 * environment (strconv.c, env.c), testable on the host.
 */
#ifndef KS_STRCONV_H
#define KS_STRCONV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Parse like strtoull: leading space, a sign, "0x" for base 16 or 0, a
 * leading 0 for octal in base 0.  -> the magnitude (saturated at max
 * when *overflow is set); *neg: a '-' was seen; *end: after the last
 * digit used, or s when there was none.  A base other than 0 or 2..36
 * parses nothing (*end = s). */
uint64_t ks_parse_unsigned(const char *s, char **end, int base, uint64_t max, bool *neg,
                           bool *overflow);

/* The signed result: clamp to [min, max] as strtol does; *range set
 * when it had to. */
int64_t ks_strto_signed(const char *s, char **end, int base, int64_t min, int64_t max,
                        bool *range);
/* strtoul: a negative number is the magnitude negated modulo 2^64 (C
 * semantics); clamps to max. */
uint64_t ks_strto_unsigned(const char *s, char **end, int base, uint64_t max, bool *range);

/* An in-place heap sort (no recursion, no allocation). */
void ks_sort(void *base, size_t count, size_t size, int (*cmp)(const void *, const void *));

/* The environment: vec is a NULL-terminated array of "NAME=VALUE"
 * strings (may be NULL when empty), grown with malloc once edited.
 * Entries that ks_env_set made are malloc'ed (owned[i]) and freed when
 * replaced or removed; others (crt0's, in the start frame) never are.
 * A zeroed struct with vec and count set describes a borrowed array. */
struct ks_env {
    char **vec;
    size_t count;                       /* entries, without the NULL */
    size_t cap;                         /* slots of vec we own; 0: vec is not ours */
    bool *owned;                        /* cap flags */
};

/* The value of name, or NULL. */
char *ks_env_get(const struct ks_env *env, const char *name);
/* 0, -1 bad name (empty or with '='), -2 out of memory. */
int ks_env_set(struct ks_env *env, const char *name, const char *value, bool overwrite);
int ks_env_unset(struct ks_env *env, const char *name);

#endif /* KS_STRCONV_H */
