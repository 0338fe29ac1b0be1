#!/usr/bin/env -S node --max-semi-space-size=2 --optimize-for-size
// Runs the compiled program; `npm ci` builds it (prepare script). whale-watch runs for months, often
// on a small board beside the node, and allocates fast (thousands of transactions a second): V8 is
// told to favour memory over speed. A 2 MB young generation keeps the stream's RSS ~30-50 MB lower,
// and --optimize-for-size collects the old generation sooner, which holds a first start's catch-up
// from Bitcoin Core (300k transactions) under 200 MB, where it peaked at ~235 MB; the stream's
// latency is unchanged (npm run bench:whale, docs/benchmarks.md).
import { load } from './load.js';

await load('whale-watch', '../dist/src/cli/whaleWatch.js');
