// Bitcoin Core client: BlockSource over JSON-RPC and REST.
export { createBitcoindClient, type BitcoindClient, type BitcoindClientOptions } from './client.js';
export { RpcClient, type RpcCall } from './rpc.js';
export { verifyBlock } from './blocks.js';
