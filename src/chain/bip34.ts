// BIP34: from block 227,931 on, the coinbase scriptSig starts by pushing the block height
// (CScript() << height: OP_0 / OP_1..OP_16 for small heights, otherwise a minimal little-endian push).
import { DataError } from '../errors.js';
import type { Transaction } from './types.js';

/** First mainnet height where BIP34 is enforced. */
export const BIP34_HEIGHT = 227_931;

/** The height a coinbase commits to; DataError when its scriptSig does not start with a height push. */
export function bip34Height(coinbase: Transaction): number {
  if (!coinbase.isCoinbase) throw new DataError(`tx ${coinbase.txid} is not a coinbase, it has no BIP34 height`);
  const script = coinbase.inputs[0]!.scriptSig;
  const op = script[0];
  if (op === undefined) throw new DataError(`coinbase ${coinbase.txid} has an empty scriptSig, no BIP34 height`);
  if (op === 0x00) return 0;
  if (op >= 0x51 && op <= 0x60) return op - 0x50; // OP_1..OP_16
  // Heights below 2^39 need at most 5 bytes (sign bit included); more would not be a height.
  if (op < 1 || op > 5)
    throw new DataError(
      `coinbase ${coinbase.txid} scriptSig starts with opcode 0x${op.toString(16)}, not a BIP34 height push`,
    );
  if (script.length < 1 + op) throw new DataError(`coinbase ${coinbase.txid} height push of ${op} bytes is truncated`);
  const top = script[op]!;
  if (top & 0x80) throw new DataError(`coinbase ${coinbase.txid} pushes a negative height`);
  let height = 0;
  for (let i = op; i >= 1; i--) height = height * 256 + script[i]!;
  return height;
}
