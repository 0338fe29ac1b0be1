// The run's alerter, built once from the settings and handed to the steps (no step reads webhook
// settings): the ops webhook (ALERT_WEBHOOK_URL) and, when set, the whale webhook (WHALE_WEBHOOK_URL,
// signed with WHALE_WEBHOOK_SECRET, else ALERT_WEBHOOK_SECRET).
import type { Settings } from '../config/settings.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../log/logger.js';
import { Alerter } from './alerter.js';
import { AlertRouter } from './router.js';
import { WebhookSink } from './webhook.js';

export function alerterFromSettings(
  s: Pick<
    Settings,
    | 'alertWebhookUrl'
    | 'alertWebhookSecret'
    | 'whaleWebhookUrl'
    | 'whaleWebhookSecret'
    | 'whaleAlertMinBtc'
    | 'alertCooldownSec'
    | 'dataDir'
  >,
  o: { log: Logger; dryRun: boolean; clock: Pick<Clock, 'now'> },
): Alerter {
  const ops = s.alertWebhookUrl
    ? new WebhookSink({ url: s.alertWebhookUrl, secret: s.alertWebhookSecret, setting: 'ALERT_WEBHOOK_URL' })
    : undefined;
  const whale = s.whaleWebhookUrl
    ? new WebhookSink({
        url: s.whaleWebhookUrl,
        secret: s.whaleWebhookSecret ?? s.alertWebhookSecret,
        setting: 'WHALE_WEBHOOK_URL',
      })
    : undefined;
  return new Alerter({
    sink: new AlertRouter({ ops, whale, whaleMinBtc: s.whaleAlertMinBtc }),
    dataDir: s.dataDir,
    cooldownSec: s.alertCooldownSec,
    log: o.log,
    dryRun: o.dryRun,
    clock: o.clock,
  });
}
