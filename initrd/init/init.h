/* SPDX-License-Identifier: MIT */
/*
 * init, the service manager (docs/init.md): what its files share.
 *
 *  main.c        start-up: the manifest, the endpoints, the main loop
 *  load.c        reading the manifest files from the initramfs
 *  supervisor.c  starting services, noticing their ends, restarting
 *  watchdog.c    the threads that call services (heartbeat, names)
 *  server.c      the "init" protocol (ks_proto.h KS_INIT_*)
 *  manifest*.c, policy.c  pure logic, unit-tested on the host
 *
 * Threads: the main thread owns the service table and is the only one
 * that starts or kills processes.  The two caller threads (heartbeat and
 * name registration) only make IPC calls, which can block for as long as
 * a service takes to answer; each publishes whom it is waiting for and
 * since when (struct caller), and the main thread kills a service that
 * keeps one waiting longer than INIT_ANSWER_NS.  g.lock guards what the
 * caller threads read of the table.
 */
#ifndef INIT_INIT_H
#define INIT_INIT_H

#include <stdbool.h>
#include <stdint.h>
#include "ks.h"
#include "ks_ipc.h"
#include "ks_proto.h"
#include "manifest.h"
#include "policy.h"

#define MS_NS(ms)            ((uint64_t)(ms) * 1000000ull)
#define INIT_RECV_NS         MS_NS(50)     /* the main loop's longest sleep */
#define INIT_PING_PERIOD_NS  MS_NS(2000)
#define INIT_ANSWER_NS       MS_NS(3000)   /* a call unanswered this long: hung */
#define INIT_PING_GRACE_NS   MS_NS(1000)   /* no ping in a service's first second */
#define INIT_NAMES_WAIT_NS   MS_NS(1000)   /* start the rest anyway after this */
#define INIT_REGISTER_BADGE  0x100u        /* + index: a service with register= */
#define INIT_MAX_ENDPOINTS   (MF_MAX_SERVICES * MF_MAX_CAPS + 2)
#define INIT_STATUS_KILLED   (-256)        /* last_status of a killed process */

struct service {
    struct mf_service *m;
    struct policy policy;
    struct policy_state st;
    uint32_t state;             /* enum ks_service_state */
    ks_handle_t process;        /* 0 when not running */
    int64_t pid;
    uint64_t started_ns;
    uint64_t restart_at_ns;     /* KS_SERVICE_BACKOFF: when */
    int64_t last_status;
    bool kill_requested;        /* KS_INIT_KILL */
    bool hung;                  /* killed for not answering */
    ks_handle_t ping;           /* a client handle to its endpoint, 0: none */
    ks_handle_t names;          /* its handles[0] (init's copy) */
    uint32_t deps[MF_MAX_DEPS]; /* indexes in g.svc */
};

struct endpoint {
    char name[MF_NAME_MAX];
    ks_handle_t serve;          /* unbadged, all rights */
    ks_handle_t client;         /* KS_BADGE_CLIENT, WRITE|DUPLICATE|TRANSFER */
};

/* A thread that calls services: whom it waits for, since when. */
struct caller {
    volatile int64_t pid;       /* 0: not waiting */
    volatile uint64_t since;
    volatile bool reported;     /* the main thread acted on this wait */
};

struct init_state {
    ks_handle_t resource;
    ks_handle_t initrd;
    ks_handle_t self;           /* init's own endpoint */
    ks_handle_t names_init;     /* KS_NAMES_BADGE_INIT mint, 0: no name service */
    int names;                  /* index of the name service in svc, -1 */
    struct endpoint ep[INIT_MAX_ENDPOINTS];
    uint32_t ep_count;
    struct service svc[MF_MAX_SERVICES];    /* in start order */
    uint32_t count;
    struct ks_resource_info res;
    bool have_screen;
    bool powering;              /* KS_INIT_POWER in progress */
    /* Name registration: set when the name service (re)starts. */
    volatile bool names_dirty;
    volatile bool names_synced; /* registered since the last start */
    ks_handle_t wake;           /* notification: wakes the registrar */
    struct caller pinger, registrar;
    struct ks_mutex lock;
};

extern struct init_state g;
extern struct manifest g_manifest;

/* Log one line to the kernel log (never through a service: init must
 * not wait on what it supervises). */
void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* load.c: read etc/services and etc/services.d/ into g_manifest; false
 * when etc/services is missing. */
bool load_manifest(void);

/* supervisor.c */
struct endpoint *endpoint_find(const char *name);
void supervisor_setup(void);
void supervisor_step(uint64_t now);          /* ends, restarts, starts */
uint64_t supervisor_next_due(uint64_t now);  /* ns until something is due */
void supervisor_kill(struct service *s, bool by_request);
void supervisor_stop_all(void);
void supervisor_resume_all(void);
struct service *service_by_pid(int64_t pid);

/* watchdog.c */
void watchdog_start(void);
void watchdog_check(uint64_t now);

/* server.c */
void server_handle(struct ks_msg *m);

#endif /* INIT_INIT_H */
