// Node-API glue shared by the addon's two kernels (mash_kernel.c for paper-compat, rlwr_kernel.c for rlwr-2048):
// a checked call that throws and returns NULL, and typed-array arguments of one exact type. Each file defines
// its own error code prefix before including this header.
#ifndef FEDMASH_NAPI_GLUE_H
#define FEDMASH_NAPI_GLUE_H

#include <node_api.h>
#include <stdbool.h>

#ifndef NAPI_GLUE_CODE
#error "define NAPI_GLUE_CODE (the error code prefix, e.g. \"MASH_KERNEL\") before including napi_glue.h"
#endif

#define CALL(env, call)                                                                         \
  do {                                                                                          \
    if ((call) != napi_ok) {                                                                    \
      napi_throw_error((env), NAPI_GLUE_CODE "_NAPI", "Node-API call failed: " #call);          \
      return NULL;                                                                              \
    }                                                                                           \
  } while (0)

static inline int typed_array(napi_env env, napi_value value, napi_typedarray_type want, void** data, size_t* length) {
  bool is_typed;
  if (napi_is_typedarray(env, value, &is_typed) != napi_ok || !is_typed) return 0;
  napi_typedarray_type type;
  if (napi_get_typedarray_info(env, value, &type, length, data, NULL, NULL) != napi_ok) return 0;
  return type == want;
}

#define ARRAY_ARG(env, index, type, ptr, len, what)                                               \
  if (!typed_array((env), argv[index], (type), (void**)&(ptr), &(len))) {                         \
    napi_throw_type_error((env), NAPI_GLUE_CODE "_ARGUMENT", "argument " #index " must be " what); \
    return NULL;                                                                                  \
  }

#endif
