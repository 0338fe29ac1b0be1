/*
 * A block's transactions laid out in one call: the same pass, the same checks and the same numbers
 * as readTxs in src/chain/layout.ts (its comments say why each check is there), written into the
 * caller's typed arrays. It says only whether the bytes lay out; on any defect the caller reads
 * them again with the TypeScript reader, which names the defect, so every error message has one
 * source. Measured on a full-scale day on one thread: 192-258 ms of JavaScript become 64-74 ms.
 *
 * layoutTxs(bytes, pos, count, ranges, firstInput, firstOutput, inputAt, witnessAt, witnessItems,
 *           witnessBytes, value, scriptAt, scriptLen, result) -> boolean
 *   bytes      Uint8Array, the whole block; the transactions start at pos
 *   ranges     Int32Array of 4 * count; firstInput, firstOutput Int32Array of count + 1
 *   inputAt, witnessAt, witnessItems, witnessBytes   Int32Array, one per input
 *   value      Float64Array (satoshis), scriptAt, scriptLen Int32Array, one per output
 *   result     Int32Array of 2, written on success: the position after the last transaction, and
 *              1 when any transaction is segwit
 *   true when the transactions lay out; false on any defect or when an array is too short.
 * Positions are below 2^31 (the caller refuses larger blocks).
 */
#include "layout.h"
#include <stdint.h>
#include <string.h>

#define MIN_INPUT_BYTES (32 + 4 + 1 + 4)
#define MIN_OUTPUT_BYTES (8 + 1)
#define MAX_MONEY 2100000000000000ULL

typedef struct {
  const uint8_t *b;
  uint64_t len, pos;
  int bad;
} reader;

/* A CompactSize in its shortest form, below 2^53 (as ByteReader.varint); sets bad otherwise. */
static uint64_t varint(reader *r) {
  if (r->pos >= r->len) return r->bad = 1, 0;
  const uint8_t first = r->b[r->pos++];
  if (first < 0xfd) return first;
  uint64_t n = first == 0xfd ? 2 : first == 0xfe ? 4 : 8, v = 0;
  if (n > r->len - r->pos) return r->bad = 1, 0;
  for (uint64_t k = 0; k < n; k++) v |= (uint64_t)r->b[r->pos + k] << (8 * k);
  r->pos += n;
  const uint64_t min = n == 2 ? 0xfd : n == 4 ? 0x10000 : 0x100000000ULL;
  if (v < min || v >= (1ULL << 53)) return r->bad = 1, 0;
  return v;
}

/* A count of items of at least min_bytes each that fits in what is left (ByteReader.count). */
static uint64_t count(reader *r, uint64_t min_bytes) {
  const uint64_t n = varint(r); /* below 2^53, so n * min_bytes (<= 41) cannot overflow */
  if (!r->bad && n * min_bytes > r->len - r->pos) r->bad = 1;
  return n;
}

static void skip(reader *r, uint64_t n) {
  if (r->bad || n > r->len - r->pos) r->bad = 1;
  else r->pos += n;
}

/* A varint length and that many bytes; returns the length (ByteReader.skipVarBytes). */
static uint64_t skip_var_bytes(reader *r) {
  const uint64_t n = varint(r);
  skip(r, n);
  return n;
}

typedef struct {
  int32_t *ranges, *first_in, *first_out, *input_at, *witness_at, *witness_items, *witness_bytes, *script_at,
      *script_len;
  double *value;
  size_t n_in_cap, n_out_cap;
} layout;

/* One transaction at r->pos as transaction i; its inputs and outputs numbered from *ins and *outs. */
static int read_tx(reader *r, layout *l, uint32_t i, size_t *ins, size_t *outs, int *any_segwit) {
  const uint64_t start = r->pos;
  skip(r, 4); /* version */
  if (r->bad) return 0;
  int segwit = 0;
  if (r->pos < r->len && r->b[r->pos] == 0x00) {
    if (r->len - r->pos < 2 || r->b[r->pos + 1] != 0x01) return 0; /* the flag must be 0x01 */
    r->pos += 2;
    segwit = 1;
  }
  const uint64_t body = r->pos;
  const uint64_t n_in = count(r, MIN_INPUT_BYTES);
  if (r->bad || n_in == 0 || *ins + n_in > l->n_in_cap) return 0;
  for (uint64_t k = 0; k < n_in; k++) {
    if (r->len - r->pos < 36) return 0; /* prev txid and index */
    l->input_at[*ins + k] = (int32_t)r->pos;
    r->pos += 36;
    skip_var_bytes(r); /* scriptSig */
    skip(r, 4);        /* sequence */
    if (r->bad) return 0;
  }
  const uint64_t n_out = count(r, MIN_OUTPUT_BYTES);
  if (r->bad || n_out == 0 || *outs + n_out > l->n_out_cap) return 0;
  for (uint64_t k = 0; k < n_out; k++) {
    if (r->len - r->pos < 8) return 0;
    uint64_t v = 0;
    for (int j = 0; j < 8; j++) v |= (uint64_t)r->b[r->pos + j] << (8 * j);
    if (v > MAX_MONEY) return 0; /* also every negative int64 */
    r->pos += 8;
    l->value[*outs + k] = (double)v;
    const uint64_t len = skip_var_bytes(r);
    if (r->bad) return 0;
    l->script_at[*outs + k] = (int32_t)(r->pos - len);
    l->script_len[*outs + k] = (int32_t)len;
  }
  const uint64_t body_end = r->pos;
  if (segwit) {
    int any_item = 0;
    for (uint64_t k = 0; k < n_in; k++) {
      l->witness_at[*ins + k] = (int32_t)r->pos;
      const uint64_t items = count(r, 1);
      uint64_t total = 0;
      for (uint64_t j = 0; j < items && !r->bad; j++) total += skip_var_bytes(r);
      if (r->bad) return 0;
      if (items > 0) any_item = 1;
      l->witness_items[*ins + k] = (int32_t)items;
      l->witness_bytes[*ins + k] = (int32_t)total;
    }
    if (!any_item) return 0; /* superfluous witness record */
    *any_segwit = 1;
  } else {
    for (uint64_t k = 0; k < n_in; k++) {
      l->witness_at[*ins + k] = -1;
      l->witness_items[*ins + k] = 0;
      l->witness_bytes[*ins + k] = 0;
    }
  }
  const uint64_t lock = r->pos;
  skip(r, 4);
  if (r->bad) return 0;
  int32_t *o = l->ranges + 4 * (size_t)i;
  o[0] = (int32_t)start, o[1] = (int32_t)body, o[2] = (int32_t)body_end, o[3] = (int32_t)lock;
  *ins += n_in;
  *outs += n_out;
  return 1;
}

napi_value layout_txs_js(napi_env env, napi_callback_info info) {
  size_t argc = 14;
  napi_value argv[14];
  napi_value answer;
  napi_get_boolean(env, false, &answer);
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 14) return answer;
  /* ranges, firstInput, firstOutput, inputAt, witnessAt, witnessItems, witnessBytes, value, scriptAt, scriptLen, result */
  enum { ARRAYS = 11 };
  const napi_typedarray_type want[ARRAYS] = {
      napi_int32_array,   napi_int32_array, napi_int32_array, napi_int32_array, napi_int32_array, napi_int32_array,
      napi_int32_array,   napi_float64_array, napi_int32_array, napi_int32_array, napi_int32_array};
  uint8_t *bytes;
  size_t n_bytes, n[ARRAYS];
  void *p[ARRAYS];
  uint32_t pos, tx_count;
  if (!typed(env, argv[0], napi_uint8_array, (void **)&bytes, &n_bytes) ||
      napi_get_value_uint32(env, argv[1], &pos) != napi_ok ||
      napi_get_value_uint32(env, argv[2], &tx_count) != napi_ok || n_bytes >= 0x7fffffff || pos > n_bytes)
    return answer;
  for (int k = 0; k < ARRAYS; k++)
    if (!typed(env, argv[3 + k], want[k], &p[k], &n[k])) return answer;
  layout l = {.ranges = p[0],
              .first_in = p[1],
              .first_out = p[2],
              .input_at = p[3],
              .witness_at = p[4],
              .witness_items = p[5],
              .witness_bytes = p[6],
              .value = p[7],
              .script_at = p[8],
              .script_len = p[9]};
  int32_t *result = p[10];
  if (n[0] < 4 * (size_t)tx_count || n[1] <= tx_count || n[2] <= tx_count || n[10] < 2) return answer;
  /* The smallest of each group's arrays bounds how many inputs and outputs fit. */
  l.n_in_cap = n[3];
  for (int k = 4; k <= 6; k++)
    if (n[k] < l.n_in_cap) l.n_in_cap = n[k];
  l.n_out_cap = n[7];
  for (int k = 8; k <= 9; k++)
    if (n[k] < l.n_out_cap) l.n_out_cap = n[k];
  reader r = {bytes, n_bytes, pos, 0};
  size_t ins = 0, outs = 0;
  int any_segwit = 0;
  for (uint32_t i = 0; i < tx_count; i++) {
    l.first_in[i] = (int32_t)ins;
    l.first_out[i] = (int32_t)outs;
    if (!read_tx(&r, &l, i, &ins, &outs, &any_segwit)) return answer;
  }
  l.first_in[tx_count] = (int32_t)ins;
  l.first_out[tx_count] = (int32_t)outs;
  result[0] = (int32_t)r.pos;
  result[1] = any_segwit;
  napi_get_boolean(env, true, &answer);
  return answer;
}
