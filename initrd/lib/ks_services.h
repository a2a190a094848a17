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

/* Descriptors 0..2 on VFS files (the shell's < and >):
 * ks_stdio_redirect makes fd (0..2, now the console) the open file of
 * descriptor from (which is then free); ks_stdio_restore closes it and
 * gives fd back to the console; ks_stdio_handle is its open-file handle
 * (0: the console).  Programs spawned meanwhile get the same files as
 * their 0..2 (ks_spawn); their close() of one leaves it open for the
 * parent.  0 or -KS_ERR_*. */
int ks_stdio_redirect(int fd, int from);
int ks_stdio_restore(int fd);
ks_handle_t ks_stdio_handle(int fd);
/* At start (crt0): take 0..2 from KS_FDn=INDEX in the environment. */
void ks_stdio_inherit(void);

/* One request of a simple service: receive on endpoint (data into buf,
 * up to cap bytes; buf may be NULL) for at most timeout_ns, close every
 * handle the request carried, answer KS_PROTO_PING itself and any other
 * label through fn (its result is the reply's status, words[0]:
 * -KS_ERR_NOT_SUPPORTED for a label it does not know), then reply.
 * -> 0 once a request was served, -KS_ERR_TIMED_OUT, or another
 * receive error after a 10 ms pause (a loop on it never spins). */
typedef int64_t (*ks_serve_fn)(const struct ks_msg *req, struct ks_msg *rep);
int64_t ks_serve_one(ks_handle_t endpoint, void *buf, uint32_t cap, uint64_t timeout_ns,
                     ks_serve_fn fn);

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
