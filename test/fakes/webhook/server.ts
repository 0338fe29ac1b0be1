// A webhook receiver on 127.0.0.1 that records every alert POST and checks its signature.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedAlert {
  body: string;
  json: {
    event_id: string;
    event_type: string;
    key: string;
    status: 'firing' | 'resolved' | 'test';
    severity: string;
    timestamp: string;
    summary: string;
    payload: Record<string, unknown>;
  };
  signature: string | undefined;
  /** True when X-UTXOracle-Signature is the HMAC-SHA256 of the body with the receiver's secret. */
  signatureValid: boolean;
}

export interface FakeWebhook {
  url: string;
  received: ReceivedAlert[];
  /** Answer the next n requests with this status (e.g. 500) before accepting again. */
  failNext(n: number, status?: number): void;
  close(): Promise<void>;
}

export async function startFakeWebhook(secret: string): Promise<FakeWebhook> {
  const received: ReceivedAlert[] = [];
  let failing = 0;
  let failStatus = 500;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (failing > 0) {
        failing--;
        res.writeHead(failStatus).end();
        return;
      }
      const body = Buffer.concat(chunks).toString('utf8');
      const signature = req.headers['x-utxoracle-signature'] as string | undefined;
      const want = 'sha256=' + createHmac('sha256', secret).update(body).digest('hex');
      const signatureValid =
        signature !== undefined &&
        signature.length === want.length &&
        timingSafeEqual(Buffer.from(signature), Buffer.from(want));
      received.push({ body, json: JSON.parse(body), signature, signatureValid });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    failNext(n, status = 500) {
      failing = n;
      failStatus = status;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
