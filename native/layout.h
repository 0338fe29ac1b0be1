/* The block layout reader (layout.c), registered by the addon's init in blockhash.c. */
#ifndef UTXORACLE_LAYOUT_H
#define UTXORACLE_LAYOUT_H
#define NAPI_VERSION 8
#include <node_api.h>

napi_value layout_txs_js(napi_env env, napi_callback_info info);

#endif
