import { Injectable } from '@nestjs/common';
import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { DomainError } from '../common/domain-errors';
import { AppConfig } from '../config/app-config';

/** The Standard Webhooks tolerance (the library's fixed ±5 min); checked here too so the reason can be named. */
export const TIMESTAMP_TOLERANCE_SECONDS = 5 * 60;
/** Standard Webhooks secrets are `whsec_` + base64. */
const SECRET_PREFIX = 'whsec_';
const ID = /^[\x21-\x7e]{1,256}$/;
const TIMESTAMP = /^\d{1,12}$/;
const SIGNATURE = /^v1[a-z]?,[A-Za-z0-9+/=_-]+$/;

export type RejectReason =
  | 'missing_header'
  | 'malformed_header'
  | 'stale_timestamp'
  | 'future_timestamp'
  | 'bad_signature'
  | 'unsupported_media_type'
  | 'bad_token';

/** 401 naming why (`details: [{ reason }]`), so an agent's developer sees what to fix. */
export class WebhookRejectedError extends DomainError {
  constructor(
    readonly reason: RejectReason,
    message: string,
    status = 401,
  ) {
    super(message, status, [{ reason }]);
  }
}

export interface VerifiedWebhook {
  id: string;
  timestamp: Date;
}

type Headers = Record<string, string | string[] | undefined>;

/**
 * Verifies Standard Webhooks signatures over the raw body with every configured secret
 * (WEBHOOK_SECRET may list several during a rotation; any one of them signing is enough).
 *
 * The signed content and the comparison are the `standardwebhooks` library's (`v1,` +
 * base64 HMAC-SHA256 of `${id}.${timestamp}.${body as UTF-8 text}`, constant-time compare), with
 * the HMAC from node:crypto: the library's pure-JS SHA-256 was the largest part of verifying in
 * bench/ profiles. The library still decodes and checks the secrets, and the tests sign with it.
 */
@Injectable()
export class WebhookSignatureVerifier {
  /** KeyObjects, made once: createHmac with a raw Buffer key costs several times the HMAC itself. */
  private readonly keys: KeyObject[];
  /**
   * Bodies already verified, by identity: the rate-limit tracker and the intake verify the same
   * request, and the HMAC is deterministic for the same bytes and headers, so the second is free.
   */
  private readonly verified = new WeakMap<Buffer, { id: string; ts: string; sig: string }>();

  constructor(config: AppConfig) {
    this.keys = config.webhookSecrets.map((s) => {
      new Webhook(s); // refuses an empty or malformed secret, as it always did
      return createSecretKey(
        Buffer.from(s.startsWith(SECRET_PREFIX) ? s.slice(SECRET_PREFIX.length) : s, 'base64'),
      );
    });
  }

  verify(rawBody: Buffer, headers: Headers, now = Date.now()): VerifiedWebhook {
    const id = header(headers, 'webhook-id');
    const ts = header(headers, 'webhook-timestamp');
    const sig = header(headers, 'webhook-signature');
    if (!ID.test(id))
      throw new WebhookRejectedError(
        'malformed_header',
        'webhook-id must be 1-256 printable ASCII characters',
      );
    if (!TIMESTAMP.test(ts))
      throw new WebhookRejectedError('malformed_header', 'webhook-timestamp must be unix seconds');
    const signatures = sig.split(' ').filter(Boolean);
    if (!signatures.length || !signatures.every((s) => SIGNATURE.test(s))) {
      throw new WebhookRejectedError(
        'malformed_header',
        'webhook-signature must be a space-separated list of v1,<base64>',
      );
    }
    const seconds = Number(ts);
    const skew = seconds - Math.floor(now / 1000);
    if (skew < -TIMESTAMP_TOLERANCE_SECONDS) {
      throw new WebhookRejectedError(
        'stale_timestamp',
        `webhook-timestamp is ${-skew}s old (tolerance ${TIMESTAMP_TOLERANCE_SECONDS}s)`,
      );
    }
    if (skew > TIMESTAMP_TOLERANCE_SECONDS) {
      throw new WebhookRejectedError(
        'future_timestamp',
        `webhook-timestamp is ${skew}s in the future (tolerance ${TIMESTAMP_TOLERANCE_SECONDS}s)`,
      );
    }
    const seen = this.verified.get(rawBody);
    if (seen && seen.id === id && seen.ts === ts && seen.sig === sig) {
      return { id, timestamp: new Date(seconds * 1000) };
    }
    // Only v1 signatures count (others, e.g. v1a, are skipped as the library skips them).
    const given = signatures
      .filter((s) => s.startsWith('v1,'))
      .map((s) => Buffer.from(s.slice(3), 'utf8'));
    // The library signs the body decoded as UTF-8 (a Buffer goes through toString()).
    const content = `${id}.${seconds}.${rawBody.toString('utf8')}`;
    for (const key of this.keys) {
      const expected = Buffer.from(createHmac('sha256', key).update(content).digest('base64'));
      if (given.some((g) => g.length === expected.length && timingSafeEqual(g, expected))) {
        this.verified.set(rawBody, { id, ts, sig });
        return { id, timestamp: new Date(seconds * 1000) };
      }
    }
    throw new WebhookRejectedError(
      'bad_signature',
      'webhook-signature: no signature matches the body with the configured secret(s)',
    );
  }
}

function header(headers: Headers, name: string): string {
  const value = headers[name];
  if (Array.isArray(value))
    throw new WebhookRejectedError('malformed_header', `${name} must be given once`);
  if (value === undefined || value === '')
    throw new WebhookRejectedError('missing_header', `${name} header is missing`);
  return value;
}
