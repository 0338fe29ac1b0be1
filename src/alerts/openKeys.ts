// The alerts still firing, kept on disk because the jobs are short-lived: one small JSON file per key
// under <data>/alerts/open/, written to a temp name and renamed (a crash leaves the old state or the
// new, never half a file), so jobs and health-check never write the same file for different keys.
// A key's file holds when it started, its severity, and when (if ever) it was last delivered.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Severity } from './event.js';

export interface OpenKey {
  key: string;
  event_type: string;
  severity: Severity;
  /** When the condition was first seen. */
  since: string;
  /** When the firing event was last delivered; null: never (a silence, or the webhook down). */
  last_sent: string | null;
  summary: string;
}

export class OpenKeys {
  readonly dir: string;

  constructor(dataDir: string) {
    this.dir = path.join(dataDir, 'alerts', 'open');
  }

  private file(key: string): string {
    // Keys carry characters a file name should not (':', '/'); a digest keeps one file per key.
    const slug = key.replace(/[^A-Za-z0-9_.-]+/g, '_').slice(0, 60);
    return path.join(this.dir, `${slug}-${createHash('sha256').update(key).digest('hex').slice(0, 12)}.json`);
  }

  get(key: string): OpenKey | undefined {
    try {
      const v = JSON.parse(fs.readFileSync(this.file(key), 'utf8')) as OpenKey;
      return v.key === key ? v : undefined;
    } catch {
      return undefined;
    }
  }

  set(v: OpenKey): void {
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o750 });
    const final = this.file(v.key);
    const tmp = `${final}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(v) + '\n', { mode: 0o640 });
    fs.renameSync(tmp, final);
  }

  delete(key: string): void {
    fs.rmSync(this.file(key), { force: true });
  }

  /** Every open key (health-check --json shows them). */
  list(): OpenKey[] {
    let names: string[];
    try {
      names = fs.readdirSync(this.dir).filter((n) => n.endsWith('.json'));
    } catch {
      return [];
    }
    const out: OpenKey[] = [];
    for (const n of names) {
      try {
        out.push(JSON.parse(fs.readFileSync(path.join(this.dir, n), 'utf8')) as OpenKey);
      } catch {
        // a file being replaced at this moment: the next look sees it
      }
    }
    return out.sort((a, b) => a.key.localeCompare(b.key));
  }
}
