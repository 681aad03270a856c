import { Logger } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type Redis from 'ioredis';

/**
 * One round trip, atomic across replicas: while the block key lives the caller is refused; else the
 * window counter is incremented (its expiry set on the first hit); past the limit the block key is
 * set for blockDuration and the counter dropped, so a fresh window starts when the block ends.
 * Returns { hits, window ms left, blocked 0|1, block ms left }.
 */
export const THROTTLE_LUA = `
local blockTtl = redis.call('PTTL', KEYS[2])
if blockTtl > 0 then
  return {tonumber(ARGV[2]) + 1, blockTtl, 1, blockTtl}
end
local hits = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
if hits > tonumber(ARGV[2]) then
  local block = tonumber(ARGV[3])
  if block > 0 then
    redis.call('SET', KEYS[2], '1', 'PX', block)
    redis.call('DEL', KEYS[1])
    return {hits, ttl, 1, block}
  end
  return {hits, ttl, 1, ttl}
end
return {hits, ttl, 0, 0}
`;

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;
type ThrottleCommand = (
  hitsKey: string,
  blockKey: string,
  ttl: number,
  limit: number,
  block: number,
) => Promise<number[]>;

/**
 * @nestjs/throttler storage on Redis, shared by every API replica (the community packages do not
 * accept Nest 12, see NOTES.md). Fails open: with Redis down, requests pass and a warning is logged.
 */
export class RedisThrottlerStorage implements ThrottlerStorage {
  private readonly logger = new Logger(RedisThrottlerStorage.name);
  private lastWarning = 0;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    if (!(redis as unknown as Record<string, unknown>).veThrottle) {
      redis.defineCommand('veThrottle', { numberOfKeys: 2, lua: THROTTLE_LUA });
    }
  }

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    // A hash tag keeps both keys in one slot, as a Lua script on Redis Cluster requires.
    const base = `${this.prefix}:{${throttlerName}:${key}}`;
    try {
      const run = (this.redis as unknown as { veThrottle: ThrottleCommand }).veThrottle;
      const [hits, ttlLeft, blocked, blockLeft] = await run.call(
        this.redis,
        base,
        `${base}:blocked`,
        ttl,
        limit,
        blockDuration,
      );
      return {
        totalHits: Number(hits),
        timeToExpire: Math.ceil(Number(ttlLeft) / 1000),
        isBlocked: Number(blocked) === 1,
        timeToBlockExpire: Math.ceil(Number(blockLeft) / 1000),
      };
    } catch (err) {
      if (Date.now() - this.lastWarning > 10_000) {
        this.lastWarning = Date.now();
        this.logger.warn(`rate limits not enforced, Redis unavailable: ${(err as Error).message}`);
      }
      return {
        totalHits: 0,
        timeToExpire: Math.ceil(ttl / 1000),
        isBlocked: false,
        timeToBlockExpire: 0,
      };
    }
  }
}
