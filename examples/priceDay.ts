// Prices a UTC day (or the recent 144 blocks) from a directory of raw blocks, through the library
// surface only: what a program that uses utxoracle-ops as a package would write.
//
//   node dist/examples/priceDay.js <dir> <YYYY-MM-DD | --recent>
//
// <dir> holds one file per block in consensus serialization (what `getblock <hash> 0` prints, as
// bytes, or REST's /rest/block/<hash>.bin), its height in the name: `840000.raw`,
// `mainnet_840000_<hash>.raw`, `840000-<hash>.bin`. Date mode reads the times of the blocks the
// reference's search visits (a few hundred before the day, seven after it), so the directory must
// reach from well before the day to at least 7 blocks past its end.
import fs from 'node:fs';
import path from 'node:path';
import { DataError, parseBlockHeader, priceDate, priceRecent, type RawBlockSource } from 'utxoracle-ops';

/** A block's height from its file name: the first number standing alone between separators. */
function heightOf(name: string): number | undefined {
  const m = /(?:^|[_-])(\d+)(?=[._-])/.exec(name);
  return m ? Number(m[1]) : undefined;
}

function directorySource(dir: string): RawBlockSource {
  const files = new Map<number, string>();
  for (const name of fs.readdirSync(dir)) {
    const h = heightOf(name);
    if (h !== undefined) files.set(h, path.join(dir, name));
  }
  if (files.size === 0) throw new DataError(`no block files (named by height) in ${dir}`);
  const fileAt = (h: number) => {
    const f = files.get(h);
    if (!f) throw new DataError(`block ${h} is not in ${dir}`);
    return f;
  };
  const times = new Map<number, number>();
  return {
    tipHeight: () => Math.max(...files.keys()),
    blockTime(h) {
      let t = times.get(h);
      if (t === undefined) {
        const head = Buffer.alloc(80);
        const fd = fs.openSync(fileAt(h), 'r');
        try {
          fs.readSync(fd, head, 0, 80, 0);
        } finally {
          fs.closeSync(fd);
        }
        t = parseBlockHeader(head).time;
        times.set(h, t);
      }
      return t;
    },
    rawBlock: (h) => new Uint8Array(fs.readFileSync(fileAt(h))),
  };
}

const [dir, when] = process.argv.slice(2);
if (!dir || !when) {
  console.error('usage: priceDay <dir of raw blocks> <YYYY-MM-DD | --recent>');
  process.exit(2);
}
try {
  const source = directorySource(dir);
  const r = when === '--recent' ? await priceRecent(source) : await priceDate(when, source);
  console.log(
    `${when === '--recent' ? 'recent 144 blocks' : when}: price ${r.price} (rough ${r.roughPrice}), ` +
      `blocks ${r.window.firstHeight}-${r.window.lastHeight}, ${r.pointCount} points, confidence ${r.confidence.toFixed(3)}`,
  );
} catch (err) {
  console.error(`priceDay: ${(err as Error).message}`);
  process.exit(err instanceof DataError ? 1 : 2);
}
