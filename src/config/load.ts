import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../errors.js';
import { parseEnvFile } from './envFile.js';
import { checkUnknownKeys } from './knownNames.js';
import { ALIASES, DEFAULTS, type RawSettings } from './parse.js';
import { SECRET_SETTINGS, WEBHOOK_URL_SETTINGS, redactCredentials, redactWebhookUrl } from './redact.js';
import { buildSettings, settingNames, type Settings } from './settings.js';

/** Names the suite reads outside the settings module (a .env may set them too). */
const OTHER_NAMES = ['UTXORACLE_ENV_FILE'];

/** What was read: the settings, where each raw value came from, and what is worth a warning. */
export interface LoadedSettings {
  settings: Readonly<Settings>;
  /** Warnings for the log: keys of other documents, values this suite reads differently. */
  notices: string[];
  /** The merged raw values (environment over .env). */
  merged: Record<string, string | undefined>;
  /** The names .env set. */
  fromFile: ReadonlySet<string>;
  envFile: string;
}

/**
 * Settings for an entry point: environment > .env file > defaults.
 * The .env file is `UTXORACLE_ENV_FILE` or `./.env`; it is parsed strictly (envFile.ts, knownNames.ts),
 * never copied into process.env, so the precedence is explicit and nothing leaks into child processes.
 * Pure: no directory is created here (see dataDir.ts).
 */
export function loadSettings(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Readonly<Settings> {
  return loadSettingsWithNotices(env, cwd).settings;
}

export function loadSettingsWithNotices(
  env: NodeJS.ProcessEnv = process.env,
  cwd = process.cwd(),
  opts: { envFileOptional?: boolean } = {},
): LoadedSettings {
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
    if (env.UTXORACLE_ENV_FILE && !opts.envFileOptional) {
      throw new ConfigError(`UTXORACLE_ENV_FILE ${JSON.stringify(envFile)} does not exist`, 'UTXORACLE_ENV_FILE');
    }
  }
  const notices: string[] = [];
  const known = new Set([...settingNames(), ...OTHER_NAMES]);
  if (text !== undefined) {
    const parsed = parseEnvFile(text, envFile, (name) => known.has(name));
    notices.push(...checkUnknownKeys(parsed.keys, known, envFile));
    fromFile = parsed.values;
  }
  const merged: Record<string, string | undefined> = { ...fromFile };
  for (const [k, v] of Object.entries(env)) if (v !== undefined) merged[k] = v;
  return {
    settings: buildSettings(merged, notices),
    notices,
    merged,
    fromFile: new Set(Object.keys(fromFile)),
    envFile,
  };
}

export type SettingSource = 'environment' | '.env' | 'default';

export interface EffectiveSetting {
  name: string;
  /** As read (secrets masked); the default as the settings module applies it (empty: unset). */
  value: string;
  source: SettingSource;
  /** Set under another document's name for it (the whale guide's MEMORY_MAX_MB). */
  via?: string;
}

/**
 * Every setting with its effective value and where it came from (`health-check --config`). The
 * defaults are the ones buildSettings applies for these values (paths under the data directory,
 * the RPC port of BITCOIN_NETWORK), noted while it builds them.
 */
export function describeSettings(loaded: LoadedSettings, env: NodeJS.ProcessEnv = process.env): EffectiveSetting[] {
  const defaults = new Map<string, unknown>();
  const noting: RawSettings & { [DEFAULTS]: Map<string, unknown> } = Object.assign(
    Object.create(null) as Record<string, string | undefined>,
    loaded.merged,
    { [DEFAULTS]: defaults },
  );
  buildSettings(noting);
  const isSet = (name: string) => (loaded.merged[name] ?? '').trim() !== '';
  const sourceOf = (name: string): SettingSource =>
    !isSet(name) ? 'default' : env[name] !== undefined ? 'environment' : '.env';
  const viaOf = new Map([...ALIASES].filter(([other]) => isSet(other)).map(([other, ours]) => [ours, other]));
  const out: EffectiveSetting[] = [];
  for (const name of [...settingNames()].sort()) {
    if (ALIASES.has(name) && !isSet(name)) continue; // another document's name for one of ours: shown when used
    const via = isSet(name) ? undefined : viaOf.get(name);
    const from = via ?? name;
    let value = isSet(from)
      ? loaded.merged[from]!.trim()
      : defaults.get(name) === undefined
        ? ''
        : String(defaults.get(name));
    if (SECRET_SETTINGS.has(name) && value !== '') value = '***';
    else if (WEBHOOK_URL_SETTINGS.has(name) && value !== '') value = redactWebhookUrl(value);
    else value = redactCredentials(value);
    out.push({ name, value, source: sourceOf(from), ...(via ? { via } : {}) });
  }
  return out;
}
