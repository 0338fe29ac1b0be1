// A TLS failure said once, plainly: which URL, why, and what fixes it. Node verifies certificates
// against its bundled CAs plus the PEM file NODE_EXTRA_CA_CERTS names (read once when the process
// starts, so it goes in the environment of the job — the crontab line or the shell — not in .env).
// A self-signed certificate (Fulcrum's default, a home server's nginx) needs its CA there. Retrying
// cannot help, so the error says it is not retryable.
import { SourceError } from '../../errors.js';
import { shownUrl } from './url.js';

/** OpenSSL/Node codes of a certificate that does not verify (tls.TLSSocket's authorizationError). */
const CERT_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** The handshake itself failed: most often https:// pointed at a plain-HTTP (or Electrum TCP) port. */
const PROTOCOL_CODES = new Set(['ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_SSL_PACKET_LENGTH_TOO_LONG', 'EPROTO']);

/**
 * A SourceError for a TLS failure of a request to `url`, or undefined when `err` is something else.
 * `noTlsFix` says what to do when the port has no TLS at all (default: use http://).
 */
export function tlsFailure(
  err: unknown,
  url: string | URL,
  service: string,
  noTlsFix = 'use http:// for it, or the port that serves TLS',
): SourceError | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return undefined;
  const where = shownUrl(url);
  if (CERT_CODES.has(code)) {
    return new SourceError(
      `${service}: the TLS certificate of ${where} does not verify (${code}); if it is signed by your own CA or ` +
        'self-signed, put that CA in a PEM file and set NODE_EXTRA_CA_CERTS=/path/to/ca.pem in the environment ' +
        'the job runs with (the crontab line or the shell, not .env)',
      { service, endpoint: where, retryable: false },
      { cause: err },
    );
  }
  if (PROTOCOL_CODES.has(code)) {
    return new SourceError(
      `${service}: no TLS at ${where} (${code}): the port answers without TLS; ${noTlsFix}`,
      { service, endpoint: where, retryable: false },
      { cause: err },
    );
  }
  return undefined;
}

/**
 * An HTTP request answered in JSON-RPC lines: an Electrum port (50001) given as an HTTP URL.
 * romanz/electrs answers each line it cannot parse with `{"jsonrpc":"2.0","error":{"code":-32700,…},
 * "id":null}` (src/electrum.rs), which Node's HTTP parser reports as HPE_INVALID_CONSTANT.
 */
export function electrumAnswer(err: unknown, url: string | URL, service: string): SourceError | undefined {
  const e = err as { code?: unknown; rawPacket?: unknown } | null;
  if (typeof e?.code !== 'string' || !e.code.startsWith('HPE_')) return undefined;
  const start = Buffer.isBuffer(e.rawPacket) ? e.rawPacket.subarray(0, 200).toString('latin1') : '';
  if (!/^\s*[[{]/.test(start) || !start.includes('jsonrpc')) return undefined;
  return new SourceError(
    `${service}: ${shownUrl(url)} answers like an Electrum server (JSON-RPC lines), not HTTP: give its host and ` +
      'port to ELECTRUM_HOST/ELECTRUM_PORT, and ELECTRS_API_URL an Esplora HTTP API (or none)',
    { service, endpoint: shownUrl(url), retryable: false },
    { cause: err },
  );
}
