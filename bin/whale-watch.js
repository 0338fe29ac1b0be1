#!/usr/bin/env node
// Runs the compiled program; `npm ci` builds it (prepare script).
import { load } from './load.js';

await load('whale-watch', '../dist/src/cli/whaleWatch.js');
