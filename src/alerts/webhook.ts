// The signed webhook, one AlertSink: the event's JSON POSTed with `X-UTXOracle-Signature:
// sha256=<hex HMAC-SHA256 of the exact body>` when a secret is set, 3 attempts with short waits (a
// cron job must not stall on a dead webhook). A failure is returned, never thrown: an alert must not
// fail the job that raised it. A webhook URL's path is often its credential (Slack, Discord, ntfy):
// a message shows the origin only.
import { createHmac } from 'node:crypto';
import { redactWebhookUrl } from '../config/redact.js';
import { shownUrl } from '../sources/http/url.js';
import { request } from '../sources/http/request.js';
import type { AlertSink } from '../sources/types.js';
import type { AlertEvent, DeliveryResult } from './event.js';

/** `sha256=<hex HMAC-SHA256 of the exact body>` for the X-UTXOracle-Signature header. */
export function signBody(body: string, secret: string): string {
  return 'sha256=' + createHmac('sha256', secret).update(body).digest('hex');
}

export interface WebhookOptions {
  url: string;
  secret: string | undefined;
  /** The setting the URL comes from (what a failure names). */
  setting: string;
  attempts?: number;
  timeoutMs?: number;
  /** Waits between attempts (ms). */
  backoffMs?: number[];
}

export class WebhookSink implements AlertSink {
  readonly name: string;
  /** The URL as messages show it. */
  private readonly shown: string;

  constructor(private readonly o: WebhookOptions) {
    this.name = o.setting;
    this.shown = redactWebhookUrl(o.url);
  }

  async send(event: AlertEvent): Promise<DeliveryResult> {
    const body = JSON.stringify(event);
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'utxoracle-ops' };
    if (this.o.secret) headers['x-utxoracle-signature'] = signBody(body, this.o.secret);
    const attempts = this.o.attempts ?? 3;
    const backoff = this.o.backoffMs ?? [250, 1_000];
    let error = '';
    for (let i = 1; i <= attempts; i++) {
      try {
        const res = await request(new URL(this.o.url), {
          method: 'POST',
          body,
          headers,
          idleTimeoutMs: this.o.timeoutMs ?? 3_000,
          service: this.name,
        });
        if (res.statusCode >= 200 && res.statusCode < 300)
          return { event, delivered: true, attempts: i, sink: this.name };
        error = `${this.name} (${this.shown}) answered HTTP ${res.statusCode}`;
      } catch (err) {
        const why = (err as Error).message.split(shownUrl(this.o.url)).join(this.shown);
        error = `${this.name} (${this.shown}) unreachable: ${why}`;
      }
      if (i < attempts) await new Promise((r) => setTimeout(r, backoff[Math.min(i - 1, backoff.length - 1)]));
    }
    return { event, delivered: false, attempts, error, sink: this.name };
  }
}
