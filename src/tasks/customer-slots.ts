import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { AppConfig } from '../config/app-config';
import { REDIS } from '../redis/redis.module';

/** A slot is a lease: a worker that dies frees it when the lease ends, renewed while the task runs. */
export const SLOT_LEASE_MS = 60_000;

// KEYS[1] the customer's slot set (member = task id, score = lease end in ms of Redis time).
// Expired leases are dropped first, so a crashed worker can never leak a slot for longer than a lease.
const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local lease = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZSCORE', KEYS[1], ARGV[1]) or redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[3]) then
  redis.call('ZADD', KEYS[1], now + lease, ARGV[1])
  redis.call('PEXPIRE', KEYS[1], lease)
  return 1
end
return 0`;

type SlotRedis = Redis & {
  veAcquireTaskSlot(key: string, taskId: string, leaseMs: number, cap: number): Promise<number>;
};

export interface Slot {
  release(): Promise<void>;
}

/**
 * Fairness between customers, part 2: at most CUSTOMER_TASK_CONCURRENCY tasks of one customer
 * run at once across every worker (a Redis sorted set of leases per customer), so a customer
 * with slow tasks cannot hold every worker slot. A task over the cap is put back (delayed).
 */
@Injectable()
export class CustomerSlots {
  private readonly redis: SlotRedis;
  private readonly prefix: string;
  private readonly cap: number;

  constructor(@Inject(REDIS) redis: Redis, config: AppConfig) {
    redis.defineCommand('veAcquireTaskSlot', { numberOfKeys: 1, lua: ACQUIRE });
    this.redis = redis as SlotRedis;
    this.prefix = `${config.get('BULLMQ_PREFIX')}:task-slots`;
    this.cap = config.get('CUSTOMER_TASK_CONCURRENCY');
  }

  key(customerId: string): string {
    return `${this.prefix}:${customerId}`;
  }

  /** A slot for this task (the same task may re-acquire its own), or null when the customer is at its cap. */
  async acquire(customerId: string, taskId: string): Promise<Slot | null> {
    const key = this.key(customerId);
    const got = await this.redis.veAcquireTaskSlot(key, taskId, SLOT_LEASE_MS, this.cap);
    if (!got) return null;
    const renew = setInterval(() => {
      this.redis.veAcquireTaskSlot(key, taskId, SLOT_LEASE_MS, this.cap).catch(() => undefined);
    }, SLOT_LEASE_MS / 3);
    renew.unref();
    return {
      release: async () => {
        clearInterval(renew);
        await this.redis.zrem(key, taskId).catch(() => undefined); // the lease ends on its own otherwise
      },
    };
  }

  async inUse(customerId: string): Promise<number> {
    return this.redis.zcard(this.key(customerId));
  }
}
