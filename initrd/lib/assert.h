/* SPDX-License-Identifier: MIT */
/*
 * assert of Kestrel's user runtime: a failed assertion reports the
 * expression and its place on stderr and aborts.  NDEBUG turns it off.
 */
#ifndef KS_ASSERT_H
#define KS_ASSERT_H

__attribute__((noreturn)) void ks_assert_fail(const char *expr, const char *file, int line);

#endif /* KS_ASSERT_H */

#undef assert
#ifdef NDEBUG
#define assert(expr) ((void)0)
#else
#define assert(expr) ((expr) ? (void)0 : ks_assert_fail(#expr, __FILE__, __LINE__))
#endif
