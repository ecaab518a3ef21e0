# node-gyp build of the native MASH kernel (native/mash_kernel.c, and the rlwr-2048 kernel native/rlwr_kernel.c
# in the same addon). Built by the root package's install script; when it cannot build, workers/crypto/kernel
# falls back to the pure-TS kernel.
{
  "targets": [
    {
      "target_name": "mash_kernel",
      "sources": ["native/mash_kernel.c", "native/rlwr_kernel.c"],
      "cflags_c": ["-O3", "-std=gnu11", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
