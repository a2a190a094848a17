/* SPDX-License-Identifier: MIT */
/*
 * init's service manifest (docs/init.md): the parser of /etc/services
 * lines and the dependency order.  Pure logic (standard headers only),
 * so the host unit tests (tests/unit/test_init_manifest.c) run it.
 *
 * One service per line:
 *   service NAME bin=PATH [after=A,B] [caps=CAP,...] [args="a b"|args=a,b]
 *           [restart=always|on-failure|never] [retries=N] [backoff=MS]
 *           [register=N1,N2] [priority=P]
 * A bad line is reported through the caller's report function (file,
 * line, what) and left out; everything else still starts.
 */
#ifndef INIT_MANIFEST_H
#define INIT_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MF_NAME_MAX      32u     /* a service name with its NUL (KS_SERVICE_NAME_MAX + 1) */
#define MF_BIN_MAX       64u     /* a binary path with its NUL */
#define MF_MAX_SERVICES  32u
#define MF_MAX_CAPS      8u
#define MF_MAX_DEPS      8u
#define MF_MAX_ARGS      12u
#define MF_ARG_BYTES     256u    /* all arguments of a service, NULs included */
#define MF_MAX_REGISTER  4u
#define MF_HANDLES_MAX   8u      /* KS_START_HANDLES_MAX */
#define MF_IRQ_LINES     24u     /* KS_IRQ_LINES */
#define MF_PRIORITY_MAX  200     /* KS_PRIORITY_MAX_USER */
#define MF_ERR_MAX       128u

/* The name of the name service: it gets its own endpoint as handles[0]. */
#define MF_NAMES_SERVICE "names"
/* init's own endpoint ("init" capability, endpoint:init). */
#define MF_INIT_ENDPOINT "init"

enum mf_cap_kind {
    MF_CAP_SERVE = 1,       /* serve:SVC */
    MF_CAP_ENDPOINT,        /* endpoint:SVC[:BADGE] */
    MF_CAP_INITRD,          /* initrd */
    MF_CAP_RESOURCE,        /* resource */
    MF_CAP_IOPORTS,         /* ioports:BASE+COUNT */
    MF_CAP_IRQ,             /* irq:LINE (two handles) */
    MF_CAP_SCREEN,          /* screen */
    MF_CAP_INIT             /* init */
};

#define MF_BADGE_CLIENT  1u     /* KS_BADGE_CLIENT */
#define MF_BADGE_INPUT   2u     /* KS_BADGE_INPUT */

struct mf_cap {
    uint32_t kind;              /* enum mf_cap_kind */
    char svc[MF_NAME_MAX];      /* serve, endpoint */
    uint64_t badge;             /* endpoint, init */
    uint32_t base;              /* ioports: first port; irq: the line */
    uint32_t count;             /* ioports */
};

enum mf_restart { MF_RESTART_ALWAYS = 0, MF_RESTART_ON_FAILURE, MF_RESTART_NEVER };

struct mf_service {
    char name[MF_NAME_MAX];
    char bin[MF_BIN_MAX];
    char deps[MF_MAX_DEPS][MF_NAME_MAX];
    uint32_t dep_count;
    uint32_t dep_index[MF_MAX_DEPS];        /* filled by mf_resolve */
    struct mf_cap caps[MF_MAX_CAPS];
    uint32_t cap_count;
    char args[MF_ARG_BYTES];                /* argc NUL-terminated strings */
    uint32_t argc;
    char reg[MF_MAX_REGISTER][MF_NAME_MAX]; /* names it may register */
    uint32_t reg_count;
    uint32_t restart;                       /* enum mf_restart */
    int32_t retries;                        /* -1: no limit */
    uint32_t backoff_ms;
    int32_t priority;                       /* -1: not given */
    const char *file;                       /* where the line is */
    uint32_t line;
    bool skipped;                           /* left out by mf_resolve */
};

struct manifest {
    struct mf_service svc[MF_MAX_SERVICES];
    uint32_t count;
    uint32_t order[MF_MAX_SERVICES];        /* start order (indexes), from mf_resolve */
    uint32_t order_count;
};

/* Reports a bad line: the caller prints "FILE:LINE: WHAT; line skipped". */
typedef void (*mf_report_fn)(void *ctx, const char *file, uint32_t line, const char *what);

void mf_init(struct manifest *m);

/* Parse one line (without its newline): 1 and *out when it is a service,
 * 0 for a blank or comment line, -1 with a message in err otherwise. */
int mf_parse_line(const char *line, size_t len, struct mf_service *out, char *err,
                  size_t err_size);

/* Parse a whole file's text; good lines are added to m (a duplicate
 * name, or more than MF_MAX_SERVICES, is reported). */
void mf_parse(struct manifest *m, const char *file, const char *text, size_t len,
              mf_report_fn report, void *ctx);

/* After every file: leave out services whose binary does not exist
 * (bin_exists may be NULL: all exist), that depend on an unknown or
 * left-out service, that name an endpoint nobody serves, that serve a
 * name twice, or that sit on a dependency cycle; then fill m->order
 * (dependencies first, manifest order otherwise). */
void mf_resolve(struct manifest *m, bool (*bin_exists)(const char *bin, void *ctx),
                void *bin_ctx, mf_report_fn report, void *ctx);

/* The index of the service called name (skipped ones too), or -1. */
int mf_find(const struct manifest *m, const char *name);

/* The start handles the service gets: handles[0] (the name service)
 * plus one per capability (two for irq); serve:names of the name
 * service itself is its handles[0]. */
uint32_t mf_handle_count(const struct mf_service *s);

/* The index-th argument (after argv[0]) of s, or NULL. */
const char *mf_arg(const struct mf_service *s, uint32_t index);

/* Whether name is a valid service name (1..31 bytes of [a-z0-9._-]). */
bool mf_valid_name(const char *name, size_t len);

#endif /* INIT_MANIFEST_H */
