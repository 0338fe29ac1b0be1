import fs from 'node:fs';
import path from 'node:path';
import { dotenv } from '../lib/commonjs.js';
import { ConfigError } from '../errors.js';
import { buildSettings, type Settings } from './settings.js';

/**
 * Settings for an entry point: environment > .env file > defaults.
 * The .env file is `UTXORACLE_ENV_FILE` or `./.env`; it is parsed, never copied into process.env,
 * so the precedence is explicit and nothing leaks into child processes.
 */
export function loadSettings(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Readonly<Settings> {
  const envFile = env.UTXORACLE_ENV_FILE ? path.resolve(cwd, env.UTXORACLE_ENV_FILE) : path.join(cwd, '.env');
  let fromFile: Record<string, string> = {};
  if (fs.existsSync(envFile)) {
    try {
      fromFile = dotenv.parse(fs.readFileSync(envFile));
    } catch (err) {
      throw new ConfigError(`cannot read ${envFile}: ${(err as Error).message}`, 'UTXORACLE_ENV_FILE', { cause: err });
    }
  } else if (env.UTXORACLE_ENV_FILE) {
    throw new ConfigError(`UTXORACLE_ENV_FILE ${JSON.stringify(envFile)} does not exist`, 'UTXORACLE_ENV_FILE');
  }
  const merged: Record<string, string | undefined> = { ...fromFile };
  for (const [k, v] of Object.entries(env)) if (v !== undefined) merged[k] = v;
  return buildSettings(merged);
}
