import { Injectable, Logger } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { ForbiddenError, UnauthorizedError } from '../common/domain-errors';
import { API_KEY_PREFIX, hashApiKey } from './api-key';
import { ApiKeyCache } from './api-key-cache';
import { AuthRepository } from './auth.repository';
import type { Caller } from './caller';
import { SupabaseJwtVerifier } from './supabase-jwt.verifier';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface Credentials {
  apiKey?: string;
  authorization?: string;
  customerId?: string;
}

/** Turns the credentials of a request into a Caller, or refuses with 401/403. */
@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);
  private readonly adminDigest: Buffer;

  constructor(
    config: AppConfig,
    private readonly repo: AuthRepository,
    private readonly jwt: SupabaseJwtVerifier,
    private readonly apiKeys: ApiKeyCache,
  ) {
    this.adminDigest = digest(config.get('ADMIN_API_KEY'));
  }

  async authenticate(creds: Credentials): Promise<Caller> {
    const customerId = creds.customerId?.trim() || undefined;
    if (customerId !== undefined && !UUID.test(customerId)) {
      throw new UnauthorizedError('x-customer-id must be a customer id (uuid)');
    }
    if (creds.apiKey !== undefined) {
      // Constant time over fixed-length digests: neither content nor length leaks.
      if (!timingSafeEqual(digest(creds.apiKey), this.adminDigest)) {
        throw new UnauthorizedError('Invalid x-api-key');
      }
      return { kind: 'operator', role: 'operator', customerId: customerId ?? null };
    }
    const auth = creds.authorization;
    if (!auth)
      throw new UnauthorizedError(
        'Missing credentials: send Authorization: Bearer <token> or x-api-key',
      );
    const match = /^Bearer\s+(\S+)$/i.exec(auth);
    if (!match) throw new UnauthorizedError('Authorization header must be "Bearer <token>"');
    const token = match[1]!;
    if (token.startsWith(API_KEY_PREFIX)) return this.fromApiKey(token, customerId);
    return this.fromUserToken(token, customerId);
  }

  /** Call once keys were revoked or a customer deleted: no replica accepts them from its cache. */
  async apiKeysChanged(): Promise<void> {
    await this.apiKeys.changed();
  }

  private async fromApiKey(key: string, wanted?: string): Promise<Caller> {
    const hash = hashApiKey(key);
    const row = await this.apiKeys.get(hash, () => this.repo.findActiveApiKey(hash));
    if (!row) throw new UnauthorizedError('Invalid or revoked API key');
    // A key acts for its own customer only; naming another one is a mistake worth reporting.
    if (wanted && wanted !== row.customer_id) {
      throw new ForbiddenError(
        'This API key belongs to another customer than the one named in x-customer-id',
      );
    }
    const stale = !row.last_used_at || Date.now() - row.last_used_at.getTime() > 60_000;
    if (stale) {
      this.apiKeys.used(hash, new Date());
      this.repo
        .touchApiKey(row.id)
        .catch((err: unknown) => this.logger.warn({ err }, 'could not record API key use'));
    }
    return { kind: 'apiKey', role: 'service', customerId: row.customer_id, apiKeyId: row.id };
  }

  private async fromUserToken(token: string, wanted?: string): Promise<Caller> {
    if (!this.jwt.enabled)
      throw new UnauthorizedError('User tokens are not accepted: Supabase auth is not configured');
    const { userId } = await this.jwt.verify(token);
    const memberships = await this.repo.memberships(userId);
    const chosen = wanted
      ? memberships.find((m) => m.customer_id === wanted)
      : memberships.length === 1
        ? memberships[0]
        : undefined;
    if (!chosen) {
      if (memberships.length === 0)
        throw new ForbiddenError('This user is not a member of any customer');
      throw new ForbiddenError(
        wanted
          ? 'This user is not a member of the customer named in x-customer-id'
          : 'This user belongs to several customers: send x-customer-id',
      );
    }
    return { kind: 'user', role: chosen.role, customerId: chosen.customer_id, userId };
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
