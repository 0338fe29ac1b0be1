import { describe, expect, it } from 'vitest';
import { makeEvent, type AlertEvent, type DeliveryResult } from '../../src/alerts/event.js';
import { AlertRouter } from '../../src/alerts/router.js';
import type { AlertSink } from '../../src/sources/types.js';

// Which webhook an event goes to: whales and whale accuracy to WHALE_WEBHOOK_URL when it is set
// (then never to the ops webhook), everything else to ALERT_WEBHOOK_URL.

class Sink implements AlertSink {
  readonly got: string[] = [];
  constructor(readonly name: string) {}
  send(event: AlertEvent): Promise<DeliveryResult> {
    this.got.push(event.event_type);
    return Promise.resolve({ event, delivered: true, attempts: 1, sink: this.name });
  }
}

const whale = (btc: number) =>
  makeEvent('whale_transaction', `tx${btc}`, 'firing', 'info', 'whale', { value_btc: btc });
const ops = () => makeEvent('database_write_fatal', 'prices', 'firing', 'critical', 'FATAL', {});
const accuracy = () => makeEvent('whale_accuracy_low', '7d', 'firing', 'warning', 'accuracy', {});

describe('AlertRouter', () => {
  it('sends whales only to the whale webhook when it is set', async () => {
    const o = new Sink('ALERT_WEBHOOK_URL');
    const w = new Sink('WHALE_WEBHOOK_URL');
    const r = new AlertRouter({ ops: o, whale: w, whaleMinBtc: 0 });
    for (const e of [whale(150), ops(), accuracy(), whale(2000)]) await r.send(e);
    expect(o.got).toEqual(['database_write_fatal']);
    expect(w.got).toEqual(['whale_transaction', 'whale_accuracy_low', 'whale_transaction']);
    expect(r.sinks.map((s) => s.name)).toEqual(['ALERT_WEBHOOK_URL', 'WHALE_WEBHOOK_URL']);
  });

  it('without a whale webhook, whales go to the ops webhook as before', async () => {
    const o = new Sink('ALERT_WEBHOOK_URL');
    const r = new AlertRouter({ ops: o, whale: undefined, whaleMinBtc: 0 });
    await r.send(whale(150));
    await r.send(ops());
    expect(o.got).toEqual(['whale_transaction', 'database_write_fatal']);
  });

  it('WHALE_ALERT_MIN_BTC leaves smaller whales unsent (accuracy alerts are not whales)', async () => {
    const w = new Sink('WHALE_WEBHOOK_URL');
    const r = new AlertRouter({ ops: undefined, whale: w, whaleMinBtc: 500 });
    const small = await r.send(whale(499.99));
    await r.send(whale(500));
    await r.send(accuracy());
    expect(small).toMatchObject({ delivered: false, attempts: 0 });
    expect(w.got).toEqual(['whale_transaction', 'whale_accuracy_low']);
  });

  it('an event with no webhook configured is "not sent", not an error', async () => {
    const r = new AlertRouter({ ops: undefined, whale: undefined, whaleMinBtc: 0 });
    expect(await r.send(ops())).toMatchObject({ delivered: false, attempts: 0, error: 'no sink for this alert' });
    expect(r.sinks).toEqual([]);
  });
});
