import { readLatest } from '../analyze/latest.js';
import { EXIT } from '../errors.js';
import { formatUsd } from '../lib/formatUsd.js';
import type { JobContext, JobOutcome } from './context.js';

const usd = (v: unknown) => (typeof v === 'number' ? formatUsd(v) : 'none');

/**
 * `analyze --latest`: the newest saved price row and the newest daily price, read-only, no node.
 * Exit 0 with a price row, 1 when there is none yet (a pipeline must not take "nothing" for a price).
 */
export async function runLatest(ctx: JobContext): Promise<JobOutcome> {
  const { price, daily } = await readLatest(ctx.settings, ctx.log);
  const lines: string[] = [];
  if (price) {
    const diff = typeof price.diff_percent === 'number' ? `, ${price.diff_percent.toFixed(2)}% apart` : '';
    lines.push(
      `Newest price: ${usd(price.utxoracle_price)} at ${String(price.timestamp)} (blocks ${String(price.first_height)}-` +
        `${String(price.last_height)}, confidence ${Number(price.confidence).toFixed(3)}, ` +
        `${price.is_valid ? 'valid' : 'INVALID'}; exchange ${usd(price.mempool_price)}${diff})` +
        (price.saved_in === 'fallback' ? ' [in the fallback database, not merged yet]' : ''),
    );
  } else lines.push(`No price saved yet in ${ctx.settings.duckdbPath}`);
  if (daily) lines.push(`Newest daily price: ${usd(daily.price)} for ${String(daily.date)}`);
  return {
    exitCode: price ? EXIT.OK : EXIT.FAILED,
    result: { latest: price, daily },
    lines,
    message: price ? `newest price ${String(price.timestamp)}` : 'no price saved yet',
  };
}
