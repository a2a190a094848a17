/* SPDX-License-Identifier: MIT */
/*
 * init's restart policy (docs/init.md), pure logic for the host unit
 * tests (tests/unit/test_init_backoff.c): whether a service that ended
 * starts again, and after how long.  The delay starts at the manifest's
 * backoff and doubles after each restart up to POLICY_BACKOFF_CAP_MS (or
 * the backoff itself when that is larger); a service that stayed up
 * POLICY_STABLE_MS counts as healthy again: its delay and its streak of
 * restarts (what retries=N caps) start over.
 */
#ifndef INIT_POLICY_H
#define INIT_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#define POLICY_BACKOFF_CAP_MS 2000u
#define POLICY_STABLE_MS      10000u

#define POLICY_STOP    (-1)     /* the policy does not restart it */
#define POLICY_GIVE_UP (-2)     /* retries used up */

struct policy {
    uint32_t restart;           /* enum mf_restart */
    int32_t retries;            /* -1: no limit */
    uint32_t backoff_ms;
};

struct policy_state {
    uint32_t restarts;          /* restarts in all */
    uint32_t streak;            /* restarts since it was last up POLICY_STABLE_MS */
    uint32_t delay_ms;          /* the next delay */
};

void policy_reset(const struct policy *p, struct policy_state *st);

/* The service ended after up_ms; failure: not a clean exit 0;
 * by_request: killed through init's KILL.  -> the delay in ms before the
 * restart (and the counts advance), or POLICY_STOP / POLICY_GIVE_UP. */
int64_t policy_on_end(const struct policy *p, struct policy_state *st, bool failure,
                      bool by_request, uint64_t up_ms);

#endif /* INIT_POLICY_H */
