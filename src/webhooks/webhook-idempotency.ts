import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { AppConfig } from '../config/app-config';
import { REDIS } from '../redis/redis.module';

/** How long a claim holds before the database decides alone (a crashed request must not block retries). */
const CLAIM_MS = 30_000;

export type EdgeVerdict = 'duplicate' | 'claimed' | 'unknown';

/**
 * The fast, edge half of webhook idempotency, in Redis: `SET NX GET` claims a webhook-id in one
 * round trip. 'accepted' there means a replica already stored it (answer duplicate without touching
 * Postgres); anything else falls through to the database's primary key, which is authoritative.
 * Redis being down degrades to 'unknown' (the database check alone), never to an error.
 */
@Injectable()
export class WebhookIdempotency {
  private readonly logger = new Logger(WebhookIdempotency.name);
  private readonly prefix: string;
  private readonly ttlSeconds: number;
  /** Claims started early (see claimEarly), by the request's raw body. */
  private readonly early = new WeakMap<Buffer, { id: string; verdict: Promise<EdgeVerdict> }>();

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    config: AppConfig,
  ) {
    this.prefix = `${config.get('BULLMQ_PREFIX')}:webhook-seen:`;
    this.ttlSeconds = config.get('WEBHOOK_DEDUPE_TTL_SECONDS');
  }

  async claim(id: string): Promise<EdgeVerdict> {
    try {
      const previous = await this.redis.call(
        'SET',
        this.prefix + id,
        'claimed',
        'PX',
        String(CLAIM_MS),
        'NX',
        'GET',
      );
      if (previous === null) return 'claimed';
      // 'claimed' by a request still in flight (or one that died): the database settles the race.
      return previous === 'accepted' ? 'duplicate' : 'unknown';
    } catch (err) {
      this.logger.warn(
        { err: (err as Error).message },
        'webhook edge dedupe unavailable; relying on the database',
      );
      return 'unknown';
    }
  }

  /**
   * Starts the claim of a request whose signature holds while the rate limit is being counted, so
   * both go to Redis in one round trip (one auto-pipelined write) instead of one after the other;
   * `claimFor` picks it up. A request refused before acceptance gives it back with `abandonEarly`.
   */
  claimEarly(rawBody: Buffer, id: string): void {
    if (!this.early.has(rawBody)) this.early.set(rawBody, { id, verdict: this.claim(id) });
  }

  /** The claim started early for this request, else a new one. */
  claimFor(rawBody: Buffer | undefined, id: string): Promise<EdgeVerdict> {
    const early = rawBody && this.early.get(rawBody);
    if (!early || early.id !== id) return this.claim(id);
    this.early.delete(rawBody);
    return early.verdict;
  }

  /** Releases a claim started early for a request refused before it was accepted (429, 4xx). */
  async abandonEarly(rawBody: Buffer | undefined): Promise<void> {
    const early = rawBody && this.early.get(rawBody);
    if (!early) return;
    this.early.delete(rawBody);
    if ((await early.verdict) === 'claimed') await this.release(early.id);
  }

  /** Best effort: without the mark, a repeat is still answered duplicate by the database. */
  async markAccepted(id: string): Promise<void> {
    await this.redis
      .set(this.prefix + id, 'accepted', 'EX', this.ttlSeconds)
      .catch((err: unknown) => this.unavailable('mark accepted', id, err));
  }

  /** Frees a claim whose request was refused before acceptance, so a corrected retry is not a duplicate. */
  async release(id: string): Promise<void> {
    // Best effort: an unreleased claim expires after CLAIM_MS, then the database decides alone.
    await this.redis
      .del(this.prefix + id)
      .catch((err: unknown) => this.unavailable('release', id, err));
  }

  private unavailable(action: string, id: string, err: unknown): void {
    this.logger.warn(
      { err: (err as Error).message, id },
      `webhook edge dedupe could not ${action}; relying on the database`,
    );
  }
}
