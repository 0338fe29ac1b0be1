// Which Bitcoin network the node runs (BITCOIN_NETWORK), named as Core's getblockchaininfo `chain`
// names it. It decides where bitcoind writes its cookie (chainparamsbase.cpp: the datadir for main, a
// subdirectory for the others), the default RPC port, and how output scripts become addresses.
import { ConfigError } from '../errors.js';
import type { RawSettings } from './parse.js';
import { raw } from './parse.js';

export type BitcoinNetwork = 'main' | 'test' | 'testnet4' | 'signet' | 'regtest';

export interface NetworkParams {
  /** Default -rpcport (chainparamsbase.cpp). */
  rpcPort: number;
  /** Subdirectory of the datadir holding `.cookie` ('' on main). */
  dataSubdir: string;
}

export const NETWORK_PARAMS: Readonly<Record<BitcoinNetwork, NetworkParams>> = {
  main: { rpcPort: 8332, dataSubdir: '' },
  test: { rpcPort: 18332, dataSubdir: 'testnet3' },
  testnet4: { rpcPort: 48332, dataSubdir: 'testnet4' },
  signet: { rpcPort: 38332, dataSubdir: 'signet' },
  regtest: { rpcPort: 18443, dataSubdir: 'regtest' },
};

/** Names an operator may write (bitcoin.conf's `chain=`, `-testnet`, what explorers call them). */
const ALIASES: Readonly<Record<string, BitcoinNetwork>> = {
  main: 'main',
  mainnet: 'main',
  bitcoin: 'main',
  test: 'test',
  testnet: 'test',
  testnet3: 'test',
  testnet4: 'testnet4',
  signet: 'signet',
  regtest: 'regtest',
};

export function network(env: RawSettings, name = 'BITCOIN_NETWORK'): BitcoinNetwork {
  const v = raw(env, name);
  if (v === undefined) return 'main';
  const n = ALIASES[v.toLowerCase()];
  if (!n)
    throw new ConfigError(
      `${name} must be one of main, test (testnet3), testnet4, signet, regtest, got ${JSON.stringify(v)}`,
      name,
    );
  return n;
}
