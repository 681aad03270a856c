import { Injectable } from '@nestjs/common';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { DomainError } from '../common/domain-errors';
import { AppConfig } from '../config/app-config';

/** The Standard Webhooks tolerance (the library's fixed ±5 min); checked here too so the reason can be named. */
export const TIMESTAMP_TOLERANCE_SECONDS = 5 * 60;
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
 */
@Injectable()
export class WebhookSignatureVerifier {
  private readonly verifiers: Webhook[];
  /**
   * Bodies already verified, by identity: the rate-limit tracker and the intake verify the same
   * request, and the HMAC is deterministic for the same bytes and headers, so the second is free.
   */
  private readonly verified = new WeakMap<Buffer, { id: string; ts: string; sig: string }>();

  constructor(config: AppConfig) {
    this.verifiers = config.webhookSecrets.map((s) => new Webhook(s));
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
    const skew = Number(ts) - Math.floor(now / 1000);
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
      return { id, timestamp: new Date(Number(ts) * 1000) };
    }
    const plain = { 'webhook-id': id, 'webhook-timestamp': ts, 'webhook-signature': sig };
    for (const verifier of this.verifiers) {
      try {
        verifier.verify(rawBody, plain, { jsonParse: false });
        this.verified.set(rawBody, { id, ts, sig });
        return { id, timestamp: new Date(Number(ts) * 1000) };
      } catch (err) {
        if (!(err instanceof WebhookVerificationError)) throw err;
        // The clock may have crossed the tolerance between our check and the library's.
        if (/too old/i.test(err.message))
          throw new WebhookRejectedError('stale_timestamp', 'webhook-timestamp is too old');
        if (/too new/i.test(err.message))
          throw new WebhookRejectedError('future_timestamp', 'webhook-timestamp is too new');
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
