import { Injectable } from '@nestjs/common';
import { generateApiKey } from '../auth/api-key';
import { AuthService } from '../auth/auth.service';
import { NotFoundError } from '../common/domain-errors';
import { decodeCursor, Page, PageQueryDto, toPage } from '../common/pagination';
import { ApiKeyRow, ApiKeysRepository } from './api-keys.repository';
import { CustomersService } from './customers.service';
import type { ApiKeyCreatedDto, ApiKeyDto } from './dto/api-key.dto';

/** Customer API keys: `vek_` + 256 random bits, stored as a SHA-256 hash, shown once. */
@Injectable()
export class ApiKeysService {
  constructor(
    private readonly repo: ApiKeysRepository,
    private readonly customers: CustomersService,
    private readonly auth: AuthService,
  ) {}

  async create(customerId: string, name: string): Promise<ApiKeyCreatedDto> {
    await this.customers.requireActive(customerId);
    const { key, prefix, hash } = generateApiKey();
    const row = await this.repo.insert({ customer_id: customerId, name, prefix, key_hash: hash });
    return {
      id: row.id,
      name: row.name,
      key,
      prefix: row.prefix,
      createdAt: row.created_at.toISOString(),
    };
  }

  async list(customerId: string, query: PageQueryDto): Promise<Page<ApiKeyDto>> {
    await this.customers.get(customerId);
    const rows = await this.repo.list(customerId, {
      after: decodeCursor(query.cursor),
      limit: query.limit,
    });
    return toPage(rows, query.limit, toApiKey);
  }

  /** Revocation is immediate: the next request with the key gets 401. Repeating it is harmless. */
  async revoke(customerId: string, keyId: string): Promise<ApiKeyDto> {
    await this.customers.get(customerId);
    const row = await this.repo.revoke(customerId, keyId);
    if (!row) throw new NotFoundError('API key', keyId);
    await this.auth.apiKeysChanged(); // replicas cache active keys (ApiKeyCache)
    return toApiKey(row);
  }
}

function toApiKey(row: ApiKeyRow): ApiKeyDto {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
  };
}
