#!/usr/bin/env node
// Runs the compiled program; `npm ci` builds it (prepare script).
import { load } from './load.js';

await load('init-db', '../dist/src/cli/initDb.js');
