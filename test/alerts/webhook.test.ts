import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { makeEvent } from '../../src/alerts/event.js';
import { WebhookSink, signBody } from '../../src/alerts/webhook.js';
import { startFakeWebhook, type FakeWebhook } from '../fakes/webhook/server.js';

// The signed webhook over a real socket: the body is the event's JSON, the signature the HMAC of
// those exact bytes, retries on a failing answer, and a failure that names its setting but never
// the URL's path (often the webhook's token).

const SECRET = 'whsec-unit';
const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

async function hook(): Promise<FakeWebhook> {
  const h = await startFakeWebhook(SECRET);
  open.push(h);
  return h;
}

const event = () =>
  makeEvent('backup_failed', 'backup', 'firing', 'critical', 'Backup failed: disk full', { error: 'disk full' }, () =>
    Date.parse('2026-12-06T03:00:00Z'),
  );

describe('WebhookSink', () => {
  it('POSTs the event JSON with X-UTXOracle-Signature = sha256=<HMAC of the exact body>', async () => {
    const h = await hook();
    const e = event();
    const r = await new WebhookSink({ url: h.url, secret: SECRET, setting: 'ALERT_WEBHOOK_URL' }).send(e);
    expect(r).toMatchObject({ delivered: true, attempts: 1, sink: 'ALERT_WEBHOOK_URL' });
    expect(h.received).toHaveLength(1);
    const got = h.received[0]!;
    expect(got.signatureValid).toBe(true);
    expect(got.signature).toBe(signBody(got.body, SECRET));
    expect(got.json).toEqual({
      event_id: e.event_id,
      event_type: 'backup_failed',
      key: 'backup_failed:backup',
      status: 'firing',
      severity: 'critical',
      timestamp: '2026-12-06T03:00:00.000Z',
      summary: 'FIRING: Backup failed: disk full',
      payload: { error: 'disk full' },
    });
  });

  it('sends no signature header without a secret', async () => {
    const h = await hook();
    await new WebhookSink({ url: h.url, secret: undefined, setting: 'ALERT_WEBHOOK_URL' }).send(event());
    expect(h.received[0]!.signature).toBeUndefined();
  });

  it('tries again after a failing answer, and reports the attempts', async () => {
    const h = await hook();
    h.failNext(2, 503);
    const r = await new WebhookSink({ url: h.url, secret: SECRET, setting: 'ALERT_WEBHOOK_URL', backoffMs: [10] }).send(
      event(),
    );
    expect(r).toMatchObject({ delivered: true, attempts: 3 });
    expect(h.received).toHaveLength(1);
  });

  it('gives up after 3 attempts with one line naming the setting, not the token in the path', async () => {
    const h = await hook();
    h.failNext(5, 500);
    const url = h.url.replace('/hook', '/services/T000/B000/sekrit-token');
    const r = await new WebhookSink({ url, secret: SECRET, setting: 'WHALE_WEBHOOK_URL', backoffMs: [10] }).send(
      event(),
    );
    expect(r.delivered).toBe(false);
    expect(r.attempts).toBe(3);
    expect(r.error).toBe(`WHALE_WEBHOOK_URL (${new URL(h.url).origin}/***) answered HTTP 500`);
  });

  it('an unreachable or hung webhook fails within its timeout, never throws', async () => {
    // A server that accepts and never answers.
    const silent = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    open.push({
      close: () =>
        new Promise<void>((r) => {
          silent.closeAllConnections();
          silent.close(() => r());
        }),
    });
    const port = (silent.address() as AddressInfo).port;
    const t0 = Date.now();
    const r = await new WebhookSink({
      url: `http://user:pw@127.0.0.1:${port}/x/token`,
      secret: SECRET,
      setting: 'ALERT_WEBHOOK_URL',
      timeoutMs: 200,
      backoffMs: [10],
    }).send(event());
    expect(r.delivered).toBe(false);
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(r.error).toMatch(/^ALERT_WEBHOOK_URL \(http:\/\/\*\*\*@127\.0\.0\.1:\d+\/\*\*\*\) unreachable: /);
    expect(r.error).not.toMatch(/token|pw/);
  });

  it('the body is exactly what is signed: a receiver re-serializing the JSON would not verify', async () => {
    let headers: IncomingHttpHeaders = {};
    let body = '';
    const srv = createServer((req, res) => {
      headers = req.headers;
      req.setEncoding('utf8');
      req.on('data', (c: string) => (body += c));
      req.on('end', () => res.writeHead(200).end());
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    open.push({ close: () => new Promise<void>((r) => srv.close(() => r())) });
    const e = makeEvent('whale_transaction', 'ab', 'firing', 'info', 'Whale: 512.5 BTC', {
      value_btc: 512.5,
      note: 'é',
    });
    await new WebhookSink({
      url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}/`,
      secret: SECRET,
      setting: 'ALERT_WEBHOOK_URL',
    }).send(e);
    expect(headers['content-type']).toBe('application/json');
    expect(body).toBe(JSON.stringify(e));
    expect(headers['x-utxoracle-signature']).toBe(signBody(body, SECRET));
    expect(headers['content-length']).toBe(String(Buffer.byteLength(body)));
  });
});
