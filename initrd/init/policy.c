/* SPDX-License-Identifier: MIT */
/*
 * init's restart policy (policy.h).
 */
#include "policy.h"

#include "manifest.h"

void policy_reset(const struct policy *p, struct policy_state *st)
{
    st->restarts = 0;
    st->streak = 0;
    st->delay_ms = p->backoff_ms;
}

int64_t policy_on_end(const struct policy *p, struct policy_state *st, bool failure,
                      bool by_request, uint64_t up_ms)
{
    if (up_ms >= POLICY_STABLE_MS) {
        st->streak = 0;
        st->delay_ms = p->backoff_ms;
    }
    bool again;
    switch (p->restart) {
    case MF_RESTART_ALWAYS:
        again = true;
        break;
    case MF_RESTART_ON_FAILURE:
        again = failure && !by_request;
        break;
    default:
        again = false;
        break;
    }
    if (!again)
        return POLICY_STOP;
    if (p->retries >= 0 && st->streak >= (uint32_t)p->retries)
        return POLICY_GIVE_UP;
    uint32_t delay = st->delay_ms;
    uint32_t cap = p->backoff_ms > POLICY_BACKOFF_CAP_MS ? p->backoff_ms : POLICY_BACKOFF_CAP_MS;
    st->delay_ms = delay > cap / 2 ? cap : delay * 2;
    st->streak++;
    st->restarts++;
    return delay;
}
