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

/** A SourceError for a TLS failure of a request to `url`, or undefined when `err` is something else. */
export function tlsFailure(err: unknown, url: string | URL, service: string): SourceError | undefined {
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
      `${service}: no TLS at ${where} (${code}): the port answers without TLS; use http:// (or tcp) for it, ` +
        'or the port that serves TLS',
      { service, endpoint: where, retryable: false },
      { cause: err },
    );
  }
  return undefined;
}
