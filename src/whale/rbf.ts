// BIP125 opt-in replace-by-fee: a transaction signals replaceability when any of its inputs has
// nSequence < 0xfffffffe. (Full-RBF nodes replace anything, but the signal is still what wallets and
// the issue ask us to report.)
import type { MempoolTx } from '../sources/mempool/stream.js';

export const BIP125_MAX_SEQUENCE = 0xfffffffe;

export function signalsRbf(tx: Pick<MempoolTx, 'vin'>): boolean {
  return tx.vin.some((i) => i.sequence < BIP125_MAX_SEQUENCE);
}
