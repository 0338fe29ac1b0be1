// One WebSocket message -> typed events. mempool packs several keys into one JSON object (a new block
// arrives as {"block":…, "mempool-blocks":…, "mempool-transactions":…}), so each known key has its
// own parser and unknown keys (stats, da, fees, conversions, …) are skipped.
import { DataError } from '../../../errors.js';
import type { StreamEvent } from './types.js';
import { parseBlockMessage, parseBlocksMessage } from './parseBlocks.js';
import { parseMempoolBlocks } from './parseMempoolBlocks.js';
import { parseTransactions } from './parseTransactions.js';

type KeyParser = (value: unknown, key: string) => StreamEvent;

/**
 * Known keys in the order their events are emitted: blocks before the delta that mines their
 * transactions, so a consumer already knows the new height when it sees `mined`.
 */
const PARSERS: ReadonlyArray<readonly [string, KeyParser]> = [
  ['blocks', parseBlocksMessage],
  ['block', parseBlockMessage],
  ['mempool-blocks', parseMempoolBlocks],
  ['mempool-transactions', parseTransactions],
  ['pong', () => ({ type: 'pong' })],
];

export function parseMessage(text: string): StreamEvent[] {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch (err) {
    return [
      {
        type: 'invalid',
        key: '(message)',
        error: new DataError(`WebSocket message is not JSON: ${text.slice(0, 60)}`, undefined, { cause: err }),
      },
    ];
  }
  if (typeof message !== 'object' || message === null || Array.isArray(message)) {
    return [
      {
        type: 'invalid',
        key: '(message)',
        error: new DataError(`WebSocket message is not a JSON object: ${text.slice(0, 60)}`),
      },
    ];
  }
  const fields = message as Record<string, unknown>;
  const events: StreamEvent[] = [];
  for (const [key, parse] of PARSERS) {
    if (!(key in fields)) continue;
    try {
      events.push(parse(fields[key], key));
    } catch (err) {
      // One bad key must not hide the good ones beside it (a valid block with a broken delta).
      events.push({ type: 'invalid', key, error: err instanceof Error ? err : new Error(String(err)) });
    }
  }
  return events;
}
