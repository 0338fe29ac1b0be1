#!/usr/bin/env node
// Runs the compiled program; `npm ci` builds it (prepare script).
import { load } from './load.js';

await load('analyze', '../dist/src/cli/analyze.js');
