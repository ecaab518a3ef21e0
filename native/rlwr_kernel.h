// The rlwr-2048 half of the native MASH addon (native/rlwr_kernel.c): mash_kernel.c owns the module
// init and calls this hook so the ring-LWR functions are exported from the same .node file.
#ifndef FEDMASH_RLWR_KERNEL_H
#define FEDMASH_RLWR_KERNEL_H
#include <node_api.h>

/** Defines the rlwr* functions on `exports`; returns 0 on success. */
int rlwr_register(napi_env env, napi_value exports);

#endif
