// The big CommonJS packages, loaded with require() rather than import. Importing CommonJS from an
// ES module makes Node first scan the package's files for their export names; for a cron job
// that starts every ten minutes that is pure overhead. Measured here (Node 20, cold process):
// @duckdb/node-api 253 -> 148 ms, dotenv 31 -> 15 ms. undici (~120 ms) is loaded only by the one
// job that needs it (whale-watch's WebSocket); plain HTTP goes through node:http (sources/http).
import { createRequire } from 'node:module';
import type * as DuckDB from '@duckdb/node-api';
import type * as Dotenv from 'dotenv';
import type * as Undici from 'undici';

const requireCjs = createRequire(import.meta.url);

export const duckdb = requireCjs('@duckdb/node-api') as typeof DuckDB;
export const undici = (): typeof Undici => requireCjs('undici') as typeof Undici;
export const dotenv = requireCjs('dotenv') as typeof Dotenv;
