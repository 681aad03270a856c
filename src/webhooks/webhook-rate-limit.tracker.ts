import { Injectable, type RawBodyRequest } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { RateLimitTracker } from '../common/throttling/rate-limit.decorators';
import { isPlainObject } from './agent-callback.parser';
import { WebhookIdempotency } from './webhook-idempotency';
import { WebhookSignatureVerifier } from './webhook-signature.verifier';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Webhook requests count against the customer named in the body only once the signature holds
 * (an HMAC over a body already in memory: cheap); otherwise anyone could exhaust a customer's
 * budget by naming it. Unsigned or unparseable requests count by IP.
 */
@Injectable()
export class WebhookRateLimitTracker implements RateLimitTracker {
  constructor(
    private readonly verifier: WebhookSignatureVerifier,
    private readonly idempotency: WebhookIdempotency,
  ) {}

  track(req: RawBodyRequest<FastifyRequest>): string | undefined {
    const body = req.body;
    if (!req.rawBody || !isPlainObject(body)) return undefined;
    const customerId = body.customerId ?? body.customer_id;
    if (typeof customerId !== 'string' || !UUID.test(customerId)) return undefined;
    let id: string;
    try {
      id = this.verifier.verify(req.rawBody, req.headers).id;
    } catch {
      return undefined;
    }
    // The intake will claim this webhook-id: started now, it shares the rate limit's round trip.
    this.idempotency.claimEarly(req.rawBody, id);
    return `c:${customerId.toLowerCase()}`;
  }

  /** Over the limit: the request goes no further, so the claim started for it is given back. */
  async refused(req: RawBodyRequest<FastifyRequest>): Promise<void> {
    await this.idempotency.abandonEarly(req.rawBody);
  }
}
