import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../errors.js';
import { parseEnvFile } from './envFile.js';
import { checkUnknownKeys } from './knownNames.js';
import { buildSettings, settingNames, type Settings } from './settings.js';

/** Names the suite reads outside the settings module (a .env may set them too). */
const OTHER_NAMES = ['UTXORACLE_ENV_FILE'];

/**
 * Settings for an entry point: environment > .env file > defaults.
 * The .env file is `UTXORACLE_ENV_FILE` or `./.env`; it is parsed strictly (envFile.ts, knownNames.ts),
 * never copied into process.env, so the precedence is explicit and nothing leaks into child processes.
 * Pure: no directory is created here (see dataDir.ts).
 */
export function loadSettings(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Readonly<Settings> {
  const envFile = env.UTXORACLE_ENV_FILE ? path.resolve(cwd, env.UTXORACLE_ENV_FILE) : path.join(cwd, '.env');
  let fromFile: Record<string, string> = {};
  let text: string | undefined;
  try {
    text = fs.readFileSync(envFile, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') {
      throw new ConfigError(`cannot read ${envFile} (${code ?? (err as Error).message})`, 'UTXORACLE_ENV_FILE', {
        cause: err,
      });
    }
    if (env.UTXORACLE_ENV_FILE) {
      throw new ConfigError(`UTXORACLE_ENV_FILE ${JSON.stringify(envFile)} does not exist`, 'UTXORACLE_ENV_FILE');
    }
  }
  if (text !== undefined) {
    const parsed = parseEnvFile(text, envFile);
    checkUnknownKeys(parsed.keys, new Set([...settingNames(), ...OTHER_NAMES]), envFile);
    fromFile = parsed.values;
  }
  const merged: Record<string, string | undefined> = { ...fromFile };
  for (const [k, v] of Object.entries(env)) if (v !== undefined) merged[k] = v;
  return buildSettings(merged);
}
