// The fake mempool backend: REST + WebSocket server, synthetic transactions and blocks, scenarios.
export { startFakeMempool } from './server.js';
export type { FakeMempool, FakeMempoolOptions } from './server.js';
export { runScenario } from './scenario.js';
export type { ScenarioStep, ScenarioOptions } from './scenario.js';
export { pushThroughput, prepareBatches } from './throughput.js';
export type { ThroughputOptions, ThroughputResult } from './throughput.js';
export {
  makeTx,
  makeTxBatch,
  makeBatchTx,
  fakeTxid,
  makeReplacement,
  makeCoinbase,
  coinbaseInput,
  withoutPrevouts,
  outpointsOf,
  spentOutputsOf,
} from './txs.js';
export type { FakeTx, FakeTxIn, FakeTxOut, FakeOutput, MakeTxOptions, Outpoint } from './txs.js';
export { esploraTx, esploraViewOf } from './esploraView.js';
export { findRbfTransactions, findMinedRbfTransactions } from './rbf.js';
export { RECENTLY_DELETED_UPDATES } from './updates.js';
export type { FakeBackend } from './state.js';
export { makeBlock, makeRecentBlocks, fakeBlockHash, projectMempoolBlocks } from './blocks.js';
export type { CutMode, ReceivedMessage } from './wsServer.js';
