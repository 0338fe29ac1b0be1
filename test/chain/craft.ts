// A tiny serializer for hand-made transactions in tests: small enough to check by eye, independent
// of the parser under test.
export function varint(n: number): number[] {
  if (n < 0xfd) return [n];
  if (n <= 0xffff) return [0xfd, n & 0xff, n >>> 8];
  return [0xfe, n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24];
}
export const u32 = (n: number): number[] => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
export function u64(n: bigint): number[] {
  const out: number[] = [];
  let v = BigInt.asUintN(64, n);
  for (let i = 0; i < 8; i++, v >>= 8n) out.push(Number(v & 0xffn));
  return out;
}

export interface CraftInput {
  prev?: number[];
  index?: number;
  script?: number[];
  witness?: number[][];
}
export interface CraftOutput {
  value?: bigint;
  script?: number[];
  rawValue?: number[];
}
export interface CraftTx {
  version?: number;
  segwit?: boolean;
  flag?: number;
  inputs: CraftInput[];
  outputs: CraftOutput[];
  locktime?: number;
  inputCount?: number[];
  outputCount?: number[];
}

export function craftTx(t: CraftTx): Uint8Array {
  const out: number[] = [...u32(t.version ?? 2)];
  if (t.segwit) out.push(0x00, t.flag ?? 0x01);
  out.push(...(t.inputCount ?? varint(t.inputs.length)));
  for (const i of t.inputs) {
    out.push(
      ...(i.prev ?? new Array(32).fill(7)),
      ...u32(i.index ?? 0),
      ...varint((i.script ?? []).length),
      ...(i.script ?? []),
      ...u32(0xffffffff),
    );
  }
  out.push(...(t.outputCount ?? varint(t.outputs.length)));
  for (const o of t.outputs)
    out.push(...(o.rawValue ?? u64(o.value ?? 5000n)), ...varint((o.script ?? [0x51]).length), ...(o.script ?? [0x51]));
  if (t.segwit) {
    for (const i of t.inputs) {
      const w = i.witness ?? [];
      out.push(...varint(w.length));
      for (const item of w) out.push(...varint(item.length), ...item);
    }
  }
  out.push(...u32(t.locktime ?? 0));
  return new Uint8Array(out);
}

/** A seeded PRNG (mulberry32) so fuzz failures reproduce. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
