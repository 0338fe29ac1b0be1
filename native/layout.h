/* The block layout reader (layout.c), registered by the addon's init in blockhash.c, and the
 * argument check both files use. */
#ifndef UTXORACLE_LAYOUT_H
#define UTXORACLE_LAYOUT_H
#define NAPI_VERSION 8
#include <node_api.h>

napi_value layout_txs_js(napi_env env, napi_callback_info info);

/* A typed array argument's data and element count; 0 when it is not one of type `want`. */
static inline int typed(napi_env env, napi_value v, napi_typedarray_type want, void **data, size_t *len) {
  bool is;
  if (napi_is_typedarray(env, v, &is) != napi_ok || !is) return 0;
  napi_typedarray_type type;
  napi_value buffer;
  size_t offset;
  if (napi_get_typedarray_info(env, v, &type, len, data, &buffer, &offset) != napi_ok) return 0;
  return type == want;
}

#endif
