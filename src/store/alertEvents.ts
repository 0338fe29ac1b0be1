// Each alert a job tried to deliver, in the database's alert_events (both databases have it): the
// event, its key and status, whether it arrived and why not. The sink delivers; this records.
import type { DeliveryResult } from '../alerts/event.js';
import type { DuckDBConnection } from './duckdb.js';

export async function recordAlert(conn: DuckDBConnection, r: DeliveryResult): Promise<void> {
  await conn.run(
    `INSERT OR REPLACE INTO alert_events (event_id, event_type, severity, created_at, payload, delivered, attempts, last_error,
       alert_key, status)
     VALUES ($1, $2, $3, $4::TIMESTAMP, $5, $6, $7, $8, $9, $10)`,
    [
      r.event.event_id,
      r.event.event_type,
      r.event.severity,
      r.event.timestamp,
      JSON.stringify(r.event.payload),
      r.delivered,
      r.attempts,
      r.error ?? null,
      r.event.key,
      r.event.status,
    ],
  );
}
