/* SPDX-License-Identifier: MIT */
/*
 * Host tests for init's restart policy (initrd/init/policy.c): the
 * delay doubles to its cap, a stable run resets it, retries=N caps the
 * streak, on-failure and never decide as documented.
 */
#include <stdint.h>
#include "unit.h"
#include "../../initrd/init/manifest.h"
#include "../../initrd/init/policy.h"

UNIT_TEST(doubles_to_cap)
{
    struct policy p = { MF_RESTART_ALWAYS, -1, 50 };
    struct policy_state st;
    policy_reset(&p, &st);
    static const int64_t want[] = { 50, 100, 200, 400, 800, 1600, 2000, 2000 };
    for (unsigned i = 0; i < sizeof(want) / sizeof(want[0]); i++)
        CHECK_EQ_U(policy_on_end(&p, &st, true, false, 5), want[i]);
    CHECK_EQ_U(st.restarts, 8);
    CHECK_EQ_U(st.streak, 8);
}

UNIT_TEST(zero_backoff_stays_zero)
{
    struct policy p = { MF_RESTART_ALWAYS, -1, 0 };
    struct policy_state st;
    policy_reset(&p, &st);
    for (int i = 0; i < 200; i++)
        CHECK_EQ_U(policy_on_end(&p, &st, true, false, 0), 0);
    CHECK_EQ_U(st.restarts, 200);
}

UNIT_TEST(large_backoff_is_its_own_cap)
{
    struct policy p = { MF_RESTART_ALWAYS, -1, 5000 };
    struct policy_state st;
    policy_reset(&p, &st);
    CHECK_EQ_U(policy_on_end(&p, &st, true, false, 0), 5000);
    CHECK_EQ_U(policy_on_end(&p, &st, true, false, 0), 5000);
}

UNIT_TEST(stable_run_resets)
{
    struct policy p = { MF_RESTART_ALWAYS, 3, 50 };
    struct policy_state st;
    policy_reset(&p, &st);
    CHECK_EQ_U(policy_on_end(&p, &st, true, false, 0), 50);
    CHECK_EQ_U(policy_on_end(&p, &st, true, false, 0), 100);
    CHECK_EQ_U(policy_on_end(&p, &st, true, false, 0), 200);
    CHECK(policy_on_end(&p, &st, true, false, 9999) == POLICY_GIVE_UP);
    CHECK_EQ_U(policy_on_end(&p, &st, true, false, 10000), 50);
    CHECK_EQ_U(st.streak, 1);
    CHECK_EQ_U(st.restarts, 4);
}

UNIT_TEST(retries_zero_gives_up_at_once)
{
    struct policy p = { MF_RESTART_ALWAYS, 0, 50 };
    struct policy_state st;
    policy_reset(&p, &st);
    CHECK(policy_on_end(&p, &st, true, false, 0) == POLICY_GIVE_UP);
    CHECK_EQ_U(st.restarts, 0);
}

UNIT_TEST(on_failure_and_never)
{
    struct policy p = { MF_RESTART_ON_FAILURE, -1, 50 };
    struct policy_state st;
    policy_reset(&p, &st);
    CHECK(policy_on_end(&p, &st, false, false, 0) == POLICY_STOP);
    CHECK(policy_on_end(&p, &st, true, true, 0) == POLICY_STOP);
    CHECK_EQ_U(policy_on_end(&p, &st, true, false, 0), 50);
    p.restart = MF_RESTART_NEVER;
    CHECK(policy_on_end(&p, &st, true, false, 0) == POLICY_STOP);
    p.restart = MF_RESTART_ALWAYS;
    CHECK_EQ_U(policy_on_end(&p, &st, false, true, 0), 100);
}

UNIT_MAIN(UNIT_CASE(doubles_to_cap), UNIT_CASE(zero_backoff_stays_zero),
          UNIT_CASE(large_backoff_is_its_own_cap), UNIT_CASE(stable_run_resets),
          UNIT_CASE(retries_zero_gives_up_at_once), UNIT_CASE(on_failure_and_never))
