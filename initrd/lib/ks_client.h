/* SPDX-License-Identifier: MIT */
/*
 * Extras of the runtime's service clients (beside ks_services.h).
 */
#ifndef KS_CLIENT_H
#define KS_CLIENT_H

#include <stddef.h>
#include <stdint.h>
#include "kestrel/handle.h"

/* Drop name's cached handle (after -KS_ERR_PEER_GONE or -BAD_HANDLE
 * from a call through it): the next ks_service(name) looks it up again. */
void ks_service_forget(const char *name);

/* The process's current directory (absolute, normalised). */
const char *ks_cwd(void);
/* Resolve path against the current directory into out (KS_PATH_MAX
 * bytes; ks_path.h folds "." and ".."): its length, -KS_ERR_NOT_FOUND
 * for "", -KS_ERR_INVALID_ARGUMENT when too long. */
int64_t ks_path_resolve(const char *path, char *out, size_t out_size);

/* The VFS open-file handle behind descriptor fd (>= 3), 0 if none. */
ks_handle_t ks_fd_handle(int fd);

#endif /* KS_CLIENT_H */
