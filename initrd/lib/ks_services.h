/* SPDX-License-Identifier: MIT */
/*
 * Clients of Kestrel's user services (protocols in ks_proto.h): the name
 * service, the console, starting programs.  Every call returns 0 (or a
 * count, or a handle) on success and -KS_ERR_* on failure.
 */
#ifndef KS_SERVICES_H
#define KS_SERVICES_H

#include <stddef.h>
#include <stdint.h>
#include "kestrel/handle.h"
#include "kestrel/ipc.h"
#include "ks_proto.h"

/* How long a client waits for a service to take a request before it
 * reports -KS_ERR_TIMED_OUT (a service being restarted takes a moment). */
#define KS_SERVICE_TIMEOUT_NS (5ull * 1000 * 1000 * 1000)

/* The handle to the name service: the one ks_names_set_handle gave, else
 * start handle KS_START_NAMES when it is an endpoint, else 0. */
ks_handle_t ks_names_handle(void);
void ks_names_set_handle(ks_handle_t names);

/* Look a service up: *out receives a new handle (the caller closes it).
 * ks_service() caches one handle per name for the life of the process. */
int64_t ks_names_lookup(const char *name, ks_handle_t *out);
int64_t ks_names_register(const char *name, ks_handle_t endpoint);
ks_handle_t ks_service(const char *name);   /* cached lookup, 0 if none */

/* A call with the service timeout; on return *m holds the reply and
 * the result is the reply's status (words[0]) or the IPC error. */
int64_t ks_service_call(ks_handle_t endpoint, struct ks_msg *m);

/* The console: write all of len bytes (falls back to the kernel log
 * when there is no console service); read at least one byte, waiting
 * up to timeout_ns (KS_TIMEOUT_INFINITE: for ever) -> bytes read. */
int64_t ks_console_write(const void *buf, size_t len);
int64_t ks_console_read(void *buf, size_t len, uint64_t timeout_ns);
/* Ctrl-C typed on the console signals bits on notification (a copy of
 * the handle goes to the console) instead of reaching readers; 0: back
 * to reaching readers. */
int64_t ks_console_interrupt(ks_handle_t notification, uint64_t bits);

/* Start the program at path (through the VFS's KS_VFS_IMAGE) with argv
 * (argv[0] is its name) and this process's environment.  The child gets
 * the name service as start handle 0 and then the count extra handles
 * (copies).  -> a process handle (wait on it with ks_sys_wait).
 * -KS_ERR_NOT_FOUND: no such file; -KS_ERR_NOT_EXECUTABLE: not an ELF
 * program Kestrel can run. */
int64_t ks_spawn(const char *path, char *const argv[], const ks_handle_t *extra,
                 uint32_t count);

/* The environment travels in the argument vector: the strings after one
 * that is exactly KS_ENV_MARK are NAME=VALUE pairs; crt0 moves them to
 * environ and hides them from argc/argv. */
#define KS_ENV_MARK "\x1b" "env"

/* A message for an error code: "not found", "timed out", ... */
const char *ks_strerror(int64_t err);

#endif /* KS_SERVICES_H */
