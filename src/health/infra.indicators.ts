import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import type Redis from 'ioredis';
import { Kysely, sql } from 'kysely';
import { KYSELY } from '../database/database.constants';
import type { Database } from '../database/database.types';
import { REDIS } from '../redis/redis.module';

const TIMEOUT_MS = 1_500;

function withTimeout<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p,
    new Promise<T>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${what} did not answer within ${TIMEOUT_MS} ms`)),
        TIMEOUT_MS,
      );
    }),
  ]).finally(() => clearTimeout(timer));
}

@Injectable()
export class InfraIndicators {
  constructor(
    private readonly indicator: HealthIndicatorService,
    @Inject(KYSELY) private readonly db: Kysely<Database>,
    @Inject(REDIS) private readonly redisClient: Redis,
  ) {}

  async postgres() {
    const check = this.indicator.check('postgres');
    try {
      await withTimeout(sql`select 1`.execute(this.db), 'postgres');
      return check.up();
    } catch (err) {
      return check.down({ message: (err as Error).message });
    }
  }

  async redis() {
    const check = this.indicator.check('redis');
    try {
      await withTimeout(this.redisClient.ping(), 'redis');
      return check.up();
    } catch (err) {
      return check.down({ message: (err as Error).message });
    }
  }
}
