#!/usr/bin/env node
// Runs the compiled program; `npm ci` builds it (prepare script).
import '../dist/src/cli/initDb.js';
