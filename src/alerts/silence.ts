// A maintenance silence: `health-check --silence 2h` (or the file <data>/alerts/silence.json, written
// by hand as {"until": "<ISO time>"}) holds back firing alerts until it expires. Every job says so in
// its output while it lasts; a `resolved` event is never held back (the operator wants to know a
// problem that was announced is over).
import fs from 'node:fs';
import path from 'node:path';

export const SILENCE_FILE = path.join('alerts', 'silence.json');

export interface Silence {
  until: string;
  set_at: string;
  reason?: string;
}

export function silenceFile(dataDir: string): string {
  return path.join(dataDir, SILENCE_FILE);
}

/**
 * The silence in force at `nowMs`, or undefined (none, expired, or unreadable). A file that is there
 * but says nothing usable is reported through `onProblem`: an operator who wrote it by hand must
 * learn that alerts are NOT silenced.
 */
export function activeSilence(dataDir: string, nowMs: number, onProblem?: (why: string) => void): Silence | undefined {
  let text: string;
  try {
    text = fs.readFileSync(silenceFile(dataDir), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
      onProblem?.(`${silenceFile(dataDir)}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    return undefined;
  }
  let until = NaN;
  let s: Silence | undefined;
  try {
    s = JSON.parse(text) as Silence;
    until = typeof s?.until === 'string' ? Date.parse(s.until) : NaN;
  } catch {
    // reported below
  }
  if (!Number.isFinite(until)) {
    onProblem?.(`${silenceFile(dataDir)} must be {"until": "<ISO time>"}, e.g. {"until": "2026-12-07T02:00:00Z"}`);
    return undefined;
  }
  return until > nowMs ? s : undefined;
}

/** Sets (or, with durationMs 0, ends) the silence; the file is replaced atomically. */
export function setSilence(dataDir: string, nowMs: number, durationMs: number, reason?: string): Silence | undefined {
  const file = silenceFile(dataDir);
  if (durationMs <= 0) {
    fs.rmSync(file, { force: true });
    return undefined;
  }
  const s: Silence = {
    until: new Date(nowMs + durationMs).toISOString(),
    set_at: new Date(nowMs).toISOString(),
    ...(reason ? { reason } : {}),
  };
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o750 });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(s) + '\n', { mode: 0o640 });
  fs.renameSync(tmp, file);
  return s;
}
