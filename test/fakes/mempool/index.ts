// The fake mempool backend: REST + WebSocket server, synthetic transactions and blocks, scenarios.
export { startFakeMempool } from './server.js';
export type { FakeMempool, FakeMempoolOptions } from './server.js';
export { runScenario } from './scenario.js';
export type { ScenarioStep, ScenarioOptions } from './scenario.js';
export { pushThroughput, prepareBatches } from './throughput.js';
export type { ThroughputOptions, ThroughputResult } from './throughput.js';
export { makeTx, makeTxBatch, fakeTxid } from './txs.js';
export type { FakeTx, FakeOutput, MakeTxOptions } from './txs.js';
export { makeBlock, makeRecentBlocks, fakeBlockHash, projectMempoolBlocks } from './blocks.js';
export type { CutMode, ReceivedMessage } from './wsServer.js';
