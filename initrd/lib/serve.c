/* SPDX-License-Identifier: MIT */
/*
 * ks_serve_one (ks_services.h): one request of a simple service, the
 * loop every small driver would otherwise write again.
 */
#include "ks.h"

#define RECV_ERROR_PAUSE_NS (10ull * 1000 * 1000)

int64_t ks_serve_one(ks_handle_t endpoint, void *buf, uint32_t cap, uint64_t timeout_ns,
                     ks_serve_fn fn)
{
    struct ks_msg req = { 0 };
    req.data = (uint64_t)(uintptr_t)buf;
    req.data_cap = buf ? cap : 0;
    int64_t r = ks_sys_ipc_recv(endpoint, &req, timeout_ns);
    if (r < 0) {
        if (r != -KS_ERR_TIMED_OUT)
            ks_sys_sleep(RECV_ERROR_PAUSE_NS);  /* never spin on a broken endpoint */
        return r;
    }
    /* Handles a request carried are closed: no client can fill the
     * service's table. */
    for (uint32_t i = 0; i < req.handle_count && i < KS_MSG_HANDLES_MAX; i++)
        ks_sys_handle_close(req.handles[i]);
    req.handle_count = 0;
    struct ks_msg rep = { 0 };
    int64_t status = req.label == KS_PROTO_PING ? 0 : fn(&req, &rep);
    rep.words[0] = (uint64_t)status;
    ks_sys_ipc_reply(&rep);
    return 0;
}
