import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { AppConfig } from '../config/app-config';
import { REDIS } from '../redis/redis.module';

/** What the guard needs of an active key (see AuthRepository.findActiveApiKey). */
export interface ActiveApiKey {
  id: string;
  customer_id: string;
  last_used_at: Date | null;
}

/** An entry older than this is looked up again whatever the version says (a lost INCR's bound). */
const MAX_AGE_MS = 60_000;
const MAX_ENTRIES = 10_000;

/**
 * Active API keys by hash, so an authenticated request reads one Redis key (pipelined with the
 * rate limit's) instead of querying Postgres: in bench/ the key lookup was a third of a
 * `GET /api/tasks`. Correct across replicas by a version counter in Redis: revoking a key or
 * deleting a customer bumps it (`changed()`), and an entry filled under an older version is not
 * used, so a revoked key fails on every replica at its next request. Without Redis nothing is
 * cached and every request asks the database, as before.
 */
@Injectable()
export class ApiKeyCache {
  private readonly logger = new Logger(ApiKeyCache.name);
  private readonly versionKey: string;
  private readonly entries = new Map<string, { key: ActiveApiKey; version: string; at: number }>();

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    config: AppConfig,
  ) {
    this.versionKey = `${config.get('BULLMQ_PREFIX')}:auth:api-keys-version`;
  }

  /** The active key for this hash: from the cache when still valid, else from `load` (then cached). */
  async get(
    hash: string,
    load: () => Promise<ActiveApiKey | undefined>,
  ): Promise<ActiveApiKey | undefined> {
    const version = await this.version();
    if (version === undefined) {
      this.entries.clear(); // whatever changed meanwhile is unknown: start afresh once Redis is back
      return load();
    }
    const hit = this.entries.get(hash);
    if (hit && hit.version === version && Date.now() - hit.at < MAX_AGE_MS) return hit.key;
    const key = await load();
    if (key) {
      if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
      this.entries.set(hash, { key, version, at: Date.now() });
    } else this.entries.delete(hash);
    return key;
  }

  /** Records a use (the guard touched last_used_at) so the cached copy does not touch it again. */
  used(hash: string, at: Date): void {
    const hit = this.entries.get(hash);
    if (hit) hit.key = { ...hit.key, last_used_at: at };
  }

  /** Call after keys were revoked or a customer deleted (committed): every replica looks keys up anew. */
  async changed(): Promise<void> {
    this.entries.clear();
    await this.redis.incr(this.versionKey).catch((err: unknown) => {
      // Other replicas keep their entries until MAX_AGE_MS at most.
      this.logger.error({ err }, 'API key change not announced to other replicas');
    });
  }

  private async version(): Promise<string | undefined> {
    try {
      return (await this.redis.get(this.versionKey)) ?? '0';
    } catch {
      return undefined;
    }
  }
}
