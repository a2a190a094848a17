/* SPDX-License-Identifier: MIT */
/*
 * Looking into the manifest, the checks that need all of it, and the
 * start order (manifest.h).  A service is left out when its binary is
 * missing, when it serves a name another service already serves, when
 * it depends on a service that does not exist or was left out, when one
 * of its endpoint: capabilities names a service nobody serves, or when
 * it sits on a dependency cycle.  Leaving one out can leave out others
 * (those that depend on it), so the checks repeat until nothing
 * changes.  The order puts dependencies first and otherwise keeps the
 * manifest's order, so the manifest reads like the boot.
 */
#include "manifest.h"

#include <string.h>

static void skip(struct mf_service *s, const char *a, const char *b, const char *c,
                 mf_report_fn report, void *ctx)
{
    char err[MF_ERR_MAX];
    size_t used = 0;
    const char *parts[3] = { a, b, c };
    for (int p = 0; p < 3; p++)
        for (const char *q = parts[p]; q && *q && used + 1 < sizeof(err); q++)
            err[used++] = *q;
    err[used] = 0;
    s->skipped = true;
    report(ctx, s->file, s->line, err);
}

const char *mf_arg(const struct mf_service *s, uint32_t index)
{
    if (index >= s->argc)
        return NULL;
    const char *p = s->args;
    while (index--)
        p += strlen(p) + 1;
    return p;
}

void mf_init(struct manifest *m)
{
    memset(m, 0, sizeof(*m));
}

int mf_find(const struct manifest *m, const char *name)
{
    for (uint32_t i = 0; i < m->count; i++)
        if (strcmp(m->svc[i].name, name) == 0)
            return (int)i;
    return -1;
}

/* The service that serves name (not left out), or -1. */
static int server_of(const struct manifest *m, const char *name)
{
    for (uint32_t i = 0; i < m->count; i++) {
        const struct mf_service *s = &m->svc[i];
        if (s->skipped)
            continue;
        if (strcmp(s->name, MF_NAMES_SERVICE) == 0 && strcmp(name, MF_NAMES_SERVICE) == 0)
            return (int)i;
        for (uint32_t c = 0; c < s->cap_count; c++)
            if (s->caps[c].kind == MF_CAP_SERVE && strcmp(s->caps[c].svc, name) == 0)
                return (int)i;
    }
    return -1;
}

/* Whether start can reach target through dependencies among the
 * services not yet placed (placed[] false). */
static bool reaches(const struct manifest *m, uint32_t from, uint32_t target,
                    const bool *placed, bool *visited)
{
    const struct mf_service *s = &m->svc[from];
    for (uint32_t d = 0; d < s->dep_count; d++) {
        uint32_t next = s->dep_index[d];
        if (next == target)
            return true;
        if (placed[next] || visited[next])
            continue;
        visited[next] = true;
        if (reaches(m, next, target, placed, visited))
            return true;
    }
    return false;
}

/* One pass of the checks that depend on other services; true when it
 * left something out. */
static bool check_links(struct manifest *m, mf_report_fn report, void *ctx)
{
    bool changed = false;
    for (uint32_t i = 0; i < m->count; i++) {
        struct mf_service *s = &m->svc[i];
        if (s->skipped)
            continue;
        for (uint32_t d = 0; d < s->dep_count && !s->skipped; d++) {
            int j = mf_find(m, s->deps[d]);
            if (j < 0) {
                skip(s, "after: dependency on unknown service \"", s->deps[d], "\"", report,
                     ctx);
            } else if (m->svc[j].skipped) {
                skip(s, "after: depends on \"", s->deps[d], "\", which was left out", report,
                     ctx);
            } else if ((uint32_t)j == i) {
                skip(s, "after: dependency cycle (depends on itself)", NULL, NULL, report,
                     ctx);
            } else {
                s->dep_index[d] = (uint32_t)j;
            }
        }
        for (uint32_t c = 0; c < s->cap_count && !s->skipped; c++) {
            const struct mf_cap *cap = &s->caps[c];
            if (cap->kind != MF_CAP_ENDPOINT || strcmp(cap->svc, MF_INIT_ENDPOINT) == 0)
                continue;
            if (server_of(m, cap->svc) < 0)
                skip(s, "endpoint:", cap->svc, ": no service serves that name", report, ctx);
        }
        changed |= s->skipped;
    }
    return changed;
}

void mf_resolve(struct manifest *m, bool (*bin_exists)(const char *bin, void *ctx),
                void *bin_ctx, mf_report_fn report, void *ctx)
{
    /* Checks of one service at a time, in manifest order. */
    for (uint32_t i = 0; i < m->count; i++) {
        struct mf_service *s = &m->svc[i];
        if (s->skipped)
            continue;
        if (bin_exists && !bin_exists(s->bin, bin_ctx)) {
            skip(s, "unknown binary \"", s->bin, "\"", report, ctx);
            continue;
        }
        for (uint32_t c = 0; c < s->cap_count && !s->skipped; c++) {
            const struct mf_cap *cap = &s->caps[c];
            if (cap->kind != MF_CAP_SERVE)
                continue;
            int other = server_of(m, cap->svc);
            if (other >= 0 && (uint32_t)other != i)
                skip(s, "serve:", cap->svc, ": already served by another service", report,
                     ctx);
            for (uint32_t e = 0; e < c && !s->skipped; e++)
                if (s->caps[e].kind == MF_CAP_SERVE && strcmp(s->caps[e].svc, cap->svc) == 0)
                    skip(s, "serve:", cap->svc, " given twice", report, ctx);
        }
    }
    while (check_links(m, report, ctx)) {
    }

    /* Place services whose dependencies are placed, first come first. */
    bool placed[MF_MAX_SERVICES] = { false };
    m->order_count = 0;
    for (bool progress = true; progress;) {
        progress = false;
        for (uint32_t i = 0; i < m->count; i++) {
            struct mf_service *s = &m->svc[i];
            if (s->skipped || placed[i])
                continue;
            bool ready = true;
            for (uint32_t d = 0; d < s->dep_count; d++)
                ready &= placed[s->dep_index[d]];
            if (!ready)
                continue;
            placed[i] = true;
            m->order[m->order_count++] = i;
            progress = true;
            break;  /* restart the scan: keep the manifest's order */
        }
    }
    /* What is left sits on a cycle or depends on one. */
    bool on_cycle[MF_MAX_SERVICES] = { false };
    for (uint32_t i = 0; i < m->count; i++) {
        if (m->svc[i].skipped || placed[i])
            continue;
        bool visited[MF_MAX_SERVICES] = { false };
        on_cycle[i] = reaches(m, i, i, placed, visited);
    }
    for (uint32_t i = 0; i < m->count; i++) {
        struct mf_service *s = &m->svc[i];
        if (s->skipped || placed[i])
            continue;
        if (on_cycle[i]) {
            skip(s, "after: dependency cycle through \"", s->name, "\"", report, ctx);
            continue;
        }
        const char *via = "";
        for (uint32_t d = 0; d < s->dep_count; d++)
            if (!placed[s->dep_index[d]])
                via = s->deps[d];
        skip(s, "after: depends on \"", via, "\", which is on a dependency cycle", report, ctx);
    }
    /* Endpoints served by what was just left out, and their dependents. */
    while (check_links(m, report, ctx)) {
    }
    uint32_t kept = 0;
    for (uint32_t k = 0; k < m->order_count; k++)
        if (!m->svc[m->order[k]].skipped)
            m->order[kept++] = m->order[k];
    m->order_count = kept;
}
