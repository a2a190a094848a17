/* SPDX-License-Identifier: MIT */
/*
 * IPC messages; see message.h.  Kernel lock held throughout.
 *
 * A delivery is all or nothing, in an order that makes it so: the checks
 * that cannot change anything come first (the data fits, the handles
 * are there with their rights, the receiver's table has room), then the
 * data (a fault leaves only bytes in a buffer nobody reads yet), then
 * the handles: copies before moves, since a copy is undone exactly by
 * closing it while a move changes the sender's table.
 */
#include "arch.h"
#include "ipc/message.h"
#include "kestrel/errors.h"
#include "lib/string.h"
#include "mm/heap.h"
#include "mm/pmm.h"
#include "mm/vm.h"
#include "proc/process.h"
#include "proc/thread.h"
#include "syscall/syscall.h"

/* Touch one byte of every page of [addr, addr + len): readable, and
 * when writable is set, writable too (the byte is written back as it
 * was).  So a call refuses a bad buffer before anything changes rather
 * than failing halfway through a delivery. */
static int probe_user(uint64_t addr, uint32_t len, bool writable)
{
    if (len == 0)
        return 0;
    if (addr >= VM_USER_TOP || len > VM_USER_TOP - addr)
        return -KS_ERR_FAULT;
    uint64_t end = addr + len;
    uint64_t at = addr;
    while (at < end) {
        uint8_t byte;
        int err = copy_from_user(&byte, at, 1);
        if (err == 0 && writable)
            err = copy_to_user(at, &byte, 1);
        if (err < 0)
            return err;
        at = (at & ~(uint64_t)(PAGE_SIZE - 1)) + PAGE_SIZE;
    }
    return 0;
}

int ipc_decode(uint64_t user_msg, unsigned what, struct ipc_transfer *x)
{
    memset(x, 0, sizeof(*x));
    int err = copy_from_user(&x->msg, user_msg, sizeof(x->msg));
    /* Receiving writes the message back: check now that it can. */
    if (err == 0 && (what & IPC_RECEIVES))
        err = copy_to_user(user_msg, &x->msg, sizeof(x->msg));
    if (err < 0)
        return err;
    uint32_t need = 0;
    if (what & IPC_SENDS) {
        if (x->msg.data_len > KS_MSG_DATA_MAX || x->msg.handle_count > KS_MSG_HANDLES_MAX ||
            x->msg.label > KS_MSG_LABEL_MAX)
            return -KS_ERR_INVALID_ARGUMENT;
        err = probe_user(x->msg.data, x->msg.data_len, false);
        if (err < 0)
            return err;
        need = x->msg.data_len;
        x->words = KS_MSG_WORDS;
    }
    if (what & IPC_RECEIVES) {
        x->recv_cap = x->msg.data_cap < KS_MSG_DATA_MAX ? x->msg.data_cap : KS_MSG_DATA_MAX;
        x->handle_cap = KS_MSG_HANDLES_MAX;
        err = probe_user(x->msg.data, x->recv_cap, true);
        if (err < 0)
            return err;
        if (x->recv_cap > need)
            need = x->recv_cap;
    }
    if (need > 0) {
        x->buffer = kmalloc(need);
        if (!x->buffer)
            return -KS_ERR_NO_MEMORY;
    }
    return 0;
}

void ipc_transfer_fini(struct ipc_transfer *x)
{
    if (x->buffer)
        kfree(x->buffer);
    x->buffer = NULL;
}

int ipc_check_handles(struct handle_table *t, const struct ks_msg *m,
                      struct cap *caps[KS_MSG_HANDLES_MAX])
{
    for (uint32_t i = 0; i < m->handle_count; i++) {
        bool copy = m->copy_mask & (1u << i);
        uint32_t rights = KS_RIGHT_TRANSFER | (copy ? KS_RIGHT_DUPLICATE : 0);
        int err = handle_lookup(t, m->handles[i], KS_OBJECT_NONE, rights, &caps[i]);
        if (err < 0)
            return err;
        /* A moved handle is gone after its move: naming it again in the
         * same message could only fail halfway. */
        for (uint32_t j = 0; j < i && !copy; j++)
            if (caps[j] == caps[i] && !(m->copy_mask & (1u << j)))
                return -KS_ERR_INVALID_ARGUMENT;
    }
    return 0;
}

/* Put the handles into to; out[i] gets the receiver's value of the i-th.
 * On failure every handle is where it was (a moved one that had to come
 * back gets a new value in the sender's table: only when the receiver's
 * table could not grow). */
static int transfer_handles(struct cap *caps[], const struct ks_msg *m,
                            struct handle_table *from, struct handle_table *to, int64_t out[])
{
    uint32_t n = m->handle_count, done_copies = 0, done_moves = 0;
    int err = 0;
    for (uint32_t i = 0; i < n && err == 0; i++) {
        if (!(m->copy_mask & (1u << i)))
            continue;
        err = handle_derive(caps[i], to, caps[i]->rights, caps[i]->badge, &out[i]);
        done_copies += err == 0;
    }
    for (uint32_t i = 0; i < n && err == 0; i++) {
        if (m->copy_mask & (1u << i))
            continue;
        err = handle_move(caps[i], to, &out[i]);
        done_moves += err == 0;
    }
    if (err == 0)
        return 0;
    for (uint32_t i = 0; i < n; i++) {
        bool copy = m->copy_mask & (1u << i);
        if (copy && done_copies > 0) {
            (void)handle_close(to, out[i]);
            done_copies--;
        } else if (!copy && done_moves > 0) {
            struct cap *cap;
            int64_t back;
            if (handle_lookup(to, out[i], KS_OBJECT_NONE, 0, &cap) == 0)
                (void)handle_move(cap, from, &back);
            done_moves--;
        }
    }
    return err;
}

int ipc_deliver(struct ipc_transfer *src, struct thread *from, struct ipc_transfer *dst,
                struct thread *to, bool push, bool *receiver_fault)
{
    *receiver_fault = false;
    const struct ks_msg *m = &src->msg;
    if (m->data_len > dst->recv_cap || m->handle_count > dst->handle_cap)
        return -KS_ERR_INVALID_ARGUMENT;
    struct handle_table *from_table = &from->process->handles;
    struct handle_table *to_table = &to->process->handles;
    struct cap *caps[KS_MSG_HANDLES_MAX];
    int err = ipc_check_handles(from_table, m, caps);
    if (err < 0)
        return err;
    if (m->handle_count > to_table->limit - to_table->used)
        return -KS_ERR_DENIED;
    if (push) {
        err = copy_from_user(dst->buffer, m->data, m->data_len);
    } else {
        err = copy_to_user(dst->msg.data, src->buffer, m->data_len);
        *receiver_fault = err < 0;
    }
    if (err < 0)
        return err;
    int64_t handles[KS_MSG_HANDLES_MAX] = { 0 };
    err = transfer_handles(caps, m, from_table, to_table, handles);
    if (err < 0)
        return err;
    dst->msg.label = m->label;
    memcpy(dst->msg.words, m->words, sizeof(dst->msg.words));
    dst->words = src->words;
    dst->msg.badge = src->badge;
    dst->msg.data_len = m->data_len;
    dst->msg.handle_count = m->handle_count;
    memcpy(dst->msg.handles, handles, sizeof(dst->msg.handles));
    dst->in_buffer = push;
    return 0;
}

int ipc_copy_out(struct ipc_transfer *x)
{
    if (!x->in_buffer)
        return 0;
    x->in_buffer = false;
    return copy_to_user(x->msg.data, x->buffer, x->msg.data_len);
}
