/* SPDX-License-Identifier: MIT */
/*
 * names: Kestrel's name service (protocol: ks_proto.h "Name service").
 * init starts it first and hands it, as start handle 0, the unbadged
 * endpoint to serve; init keeps handles minted with KS_NAMES_BADGE_INIT
 * and KS_BADGE_CLIENT for itself and for everyone else.  One thread
 * receives and replies.  Every handle that arrives and is not kept is
 * closed, so a misbehaving client cannot fill this process's table.
 */
#include "ks.h"
#include "ks_ipc.h"
#include "ks_proto.h"
#include "names_table.h"

static struct names_table table;
static uint8_t buffer[KS_MSG_DATA_MAX];

static enum names_role role_of(uint64_t badge)
{
    /* Badge 0 is the unbadged endpoint, which only init and this
     * service hold: as trusted as init's own badge. */
    if (badge == 0 || badge == KS_NAMES_BADGE_INIT)
        return NAMES_ROLE_INIT;
    if (badge == KS_BADGE_CLIENT)
        return NAMES_ROLE_CLIENT;
    return NAMES_ROLE_OTHER;
}

static void close_received(struct ks_msg *m, uint32_t keep_first)
{
    for (uint32_t i = keep_first; i < m->handle_count && i < KS_MSG_HANDLES_MAX; i++)
        ks_sys_handle_close(m->handles[i]);
}

/* A handle fit to hand out: an endpoint that may be copied and sent. */
static bool handle_usable(ks_handle_t h)
{
    struct ks_handle_info info;
    if (ks_sys_handle_info(h, &info) < 0)
        return false;
    uint32_t need = KS_RIGHT_DUPLICATE | KS_RIGHT_TRANSFER;
    return info.type == KS_OBJECT_ENDPOINT && (info.rights & need) == need;
}

static int64_t do_register(struct ks_msg *m, const char *name, size_t len)
{
    int64_t err = names_may_register(&table, role_of(m->badge), m->badge, name, len);
    if (err < 0)
        return err;
    if (m->handle_count < 1 || !handle_usable(m->handles[0]))
        return -KS_ERR_INVALID_ARGUMENT;
    int64_t old = 0;
    err = names_register(&table, name, len, m->handles[0], &old);
    if (err < 0)
        return err;
    if (old > 0 && old != m->handles[0])
        ks_sys_handle_close(old);
    m->handle_count = 0;        /* kept */
    return 0;
}

static int64_t do_unregister(struct ks_msg *m, const char *name, size_t len)
{
    int64_t err = names_may_register(&table, role_of(m->badge), m->badge, name, len);
    if (err < 0)
        return err;
    int64_t old = 0;
    err = names_unregister(&table, name, len, &old);
    if (err == 0 && old > 0)
        ks_sys_handle_close(old);
    return err;
}

/* Handle one request in *m and turn it into the reply. */
static void serve(struct ks_msg *m)
{
    const char *name = (const char *)buffer;
    size_t len = m->data_len;
    int64_t status = -KS_ERR_NOT_SUPPORTED;
    ks_handle_t reply_handle = 0;
    uint32_t reply_len = 0;
    uint64_t word1 = 0;

    switch (m->label) {
    case KS_PROTO_PING:
        status = 0;
        break;
    case KS_NAMES_LOOKUP: {
        int64_t h = names_lookup(&table, name, len);
        status = h < 0 ? h : 0;
        if (h > 0)
            reply_handle = h;
        break;
    }
    case KS_NAMES_REGISTER:
        status = do_register(m, name, len);
        break;
    case KS_NAMES_UNREGISTER:
        status = do_unregister(m, name, len);
        break;
    case KS_NAMES_ALLOW:
        if (role_of(m->badge) != NAMES_ROLE_INIT)
            status = -KS_ERR_DENIED;
        else if (m->words[1] == 0 || m->words[1] == KS_BADGE_CLIENT)
            status = -KS_ERR_INVALID_ARGUMENT;
        else
            status = names_allow(&table, m->words[1], name, len);
        break;
    case KS_NAMES_LIST: {
        int n = names_list(&table, m->words[1], (char *)buffer);
        status = n < 0 ? n : 0;
        if (n > 0) {
            reply_len = (uint32_t)n;
            word1 = (uint64_t)n;
        }
        break;
    }
    default:
        break;
    }

    close_received(m, 0);
    m->label = 0;
    for (unsigned i = 0; i < KS_MSG_WORDS; i++)
        m->words[i] = 0;
    m->words[0] = (uint64_t)status;
    m->words[1] = word1;
    m->data = (uint64_t)(uintptr_t)buffer;
    m->data_len = reply_len;
    m->handle_count = reply_handle ? 1 : 0;
    m->copy_mask = reply_handle ? 1 : 0;
    m->handles[0] = reply_handle;
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    if (!ks_start_info || ks_start_info->handle_count < 1) {
        printf("names: no endpoint to serve (start handle 0)\n");
        return 1;
    }
    ks_handle_t serve_ep = ks_start_info->handles[0];
    names_init(&table);

    for (;;) {
        struct ks_msg m;
        memset(&m, 0, sizeof(m));
        m.data = (uint64_t)(uintptr_t)buffer;
        m.data_cap = sizeof(buffer);
        int64_t err = ks_sys_ipc_recv(serve_ep, &m, KS_TIMEOUT_INFINITE);
        if (err < 0) {
            /* Only a broken start handle fails here for ever. */
            if (err == -KS_ERR_BAD_HANDLE || err == -KS_ERR_WRONG_TYPE ||
                err == -KS_ERR_DENIED) {
                printf("names: cannot receive (%d)\n", (int)err);
                return 1;
            }
            continue;
        }
        serve(&m);
        /* -NOT_FOUND for a send: nothing owed.  If the handle could not
         * travel, the caller (if it still waits) gets an error instead. */
        if (ks_sys_ipc_reply(&m) < 0 && m.handle_count) {
            m.handle_count = 0;
            m.copy_mask = 0;
            m.words[0] = (uint64_t)-KS_ERR_NO_MEMORY;
            ks_sys_ipc_reply(&m);
        }
    }
}
