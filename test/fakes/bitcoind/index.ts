// The fake Bitcoin Core: JSON-RPC, REST and datadir files for a synthetic chain.
export { startFakeBitcoind, type FakeBitcoind, type FakeBitcoindOptions, type LoggedRequest } from './server.js';
export type { Faults, RandomFaults } from './faults.js';
export type { AuthOptions } from './auth.js';
export { headerFields, difficulty } from './chainview.js';
