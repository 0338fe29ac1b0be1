// Output scripts and input spending data of the common kinds, with realistic sizes, so the
// synthetic blocks weigh what real ones do. Keys and signatures are random bytes: no one checks them.
import type { Prng } from './prng.js';

export const EMPTY_BYTES = new Uint8Array(0);

export type OutputKind = 'p2pkh' | 'p2sh' | 'p2wpkh' | 'p2wsh' | 'p2tr';
export const OUTPUT_KINDS: readonly OutputKind[] = ['p2pkh', 'p2sh', 'p2wpkh', 'p2wsh', 'p2tr'];
/** Rough 2024 mix of output types. */
export const OUTPUT_KIND_WEIGHTS = [12, 14, 40, 6, 28];

export function outputScript(kind: OutputKind, prng: Prng): Uint8Array {
  switch (kind) {
    case 'p2pkh': {
      const s = prng.bytes(25);
      s.set([0x76, 0xa9, 0x14]);
      s[23] = 0x88;
      s[24] = 0xac;
      return s;
    }
    case 'p2sh': {
      const s = prng.bytes(23);
      s.set([0xa9, 0x14]);
      s[22] = 0x87;
      return s;
    }
    case 'p2wpkh': {
      const s = prng.bytes(22);
      s.set([0x00, 0x14]);
      return s;
    }
    case 'p2wsh': {
      const s = prng.bytes(34);
      s.set([0x00, 0x20]);
      return s;
    }
    case 'p2tr': {
      const s = prng.bytes(34);
      s.set([0x51, 0x20]);
      return s;
    }
  }
}

export function randomOutputScript(prng: Prng): Uint8Array {
  return outputScript(OUTPUT_KINDS[prng.weighted(OUTPUT_KIND_WEIGHTS)]!, prng);
}

/** OP_RETURN followed by a push of `n` bytes (n <= 75). */
export function opReturnScript(prng: Prng, n = 20): Uint8Array {
  const s = prng.bytes(2 + n);
  s[0] = 0x6a;
  s[1] = n;
  return s;
}

/** DER signature plus sighash byte: 71-72 bytes as wallets produce. */
export function signature(prng: Prng): Uint8Array {
  return prng.bytes(prng.chance(0.5) ? 71 : 72);
}

export function pubkey(prng: Prng): Uint8Array {
  const k = prng.bytes(33);
  k[0] = prng.chance(0.5) ? 0x02 : 0x03;
  return k;
}

/** Legacy P2PKH scriptSig: push(sig) push(pubkey). */
export function p2pkhScriptSig(prng: Prng): Uint8Array {
  const sigLen = prng.chance(0.5) ? 71 : 72;
  const s = prng.bytes(2 + sigLen + 33); // random sig and key, then the push opcodes and key prefix
  s[0] = sigLen;
  s[1 + sigLen] = 33;
  s[2 + sigLen] = prng.chance(0.5) ? 0x02 : 0x03;
  return s;
}

/** Witness stack for a segwit input: P2WPKH [sig, key] or taproot key path [64-byte sig]. */
export function segwitWitness(prng: Prng): Uint8Array[] {
  return prng.chance(0.6) ? [signature(prng), pubkey(prng)] : [prng.bytes(64)];
}

/** BIP34: the coinbase scriptSig starts with the height as a minimal little-endian script number. */
export function bip34ScriptSig(height: number, prng: Prng): Uint8Array {
  const num: number[] = [];
  let v = height;
  while (v > 0) {
    num.push(v & 0xff);
    v = Math.floor(v / 256);
  }
  if (num.length > 0 && (num[num.length - 1]! & 0x80) !== 0) num.push(0);
  const extra = prng.bytes(prng.int(8, 40)); // extranonce and pool tag
  const s = new Uint8Array(1 + num.length + extra.length);
  s[0] = num.length;
  s.set(num, 1);
  s.set(extra, 1 + num.length);
  return s;
}
