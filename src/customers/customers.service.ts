import { Inject, Injectable } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { Kysely } from 'kysely';
import { AuthService } from '../auth/auth.service';
import { AppConfig } from '../config/app-config';
import type { Db } from '../common/db-types';
import {
  ConflictError,
  NotFoundError,
  ServiceUnavailableError,
  ValidationFailedError,
} from '../common/domain-errors';
import { decodeCursor, Page, toPage } from '../common/pagination';
import { KYSELY } from '../database/database.constants';
import type { CustomerRow, Database } from '../database/database.types';
import { CustomersRepository } from './customers.repository';
import { DNS_LABEL_MAX, toDnsLabel } from './dns-label';
import type { CreateCustomerDto, UpdateCustomerDto } from './dto/customer.dto';
import { NamespaceJobs } from './namespace-jobs';

export interface Customer {
  id: string;
  name: string;
  slug: string;
  namespace: string;
  plan: 'free' | 'pro' | 'enterprise';
  status: 'provisioning' | 'active' | 'failed' | 'deleting' | 'deleted';
  createdAt: string;
}

/** The API shape: the contract's Customer plus why provisioning failed. */
export type CustomerView = Customer & { statusReason: string | null };

/** Contract used by kubernetes and webhooks. Owned by the tenancy issue (#3). */
@Injectable()
export class CustomersService {
  private readonly namespacePrefix: string;

  constructor(
    @Inject(KYSELY) private readonly db: Kysely<Database>,
    private readonly repo: CustomersRepository,
    private readonly jobs: NamespaceJobs,
    config: AppConfig,
    private readonly auth: AuthService,
  ) {
    this.namespacePrefix = config.get('K8S_NAMESPACE_PREFIX');
  }

  /** The customer, or NotFoundError (deleted ones too). */
  async get(id: string): Promise<Customer> {
    return toCustomer(await this.row(id));
  }

  async view(id: string): Promise<CustomerView> {
    return toCustomer(await this.row(id));
  }

  /**
   * The customer new VEs and keys may be created for: NotFound when it does not exist,
   * Conflict while it is being deleted.
   */
  async requireActive(id: string, db?: Db): Promise<CustomerRow> {
    const row = await this.row(id, db);
    if (row.status === 'deleting') throw new ConflictError(`Customer ${id} is being deleted`);
    return row;
  }

  /** Records provisioning / teardown outcomes from the deployments processor. */
  async setStatus(
    id: string,
    status: Customer['status'],
    reason: string | null,
    manifests?: unknown,
  ): Promise<void> {
    if (!isUUID(id)) throw new NotFoundError('Customer', id);
    const updated = await this.repo.setStatus(id, { status, reason, manifests });
    if (!updated && !(await this.repo.findById(id))) throw new NotFoundError('Customer', id);
  }

  /** Creates the customer and queues its namespace in one step: both happen, or neither (503). */
  async create(dto: CreateCustomerDto): Promise<CustomerView> {
    const maxSlug = DNS_LABEL_MAX - this.namespacePrefix.length;
    const slug = dto.slug ?? toDnsLabel(dto.name, maxSlug, 'customer');
    if (slug.length > maxSlug) {
      const problem = `slug must be at most ${maxSlug} characters (namespace "${this.namespacePrefix}" + slug ≤ 63)`;
      throw new ValidationFailedError(`Validation failed: slug: ${problem}`, [
        { field: 'slug', problems: [problem] },
      ]);
    }
    const row = await this.db
      .transaction()
      .execute(async (trx) => {
        const created = await this.repo.insert(
          {
            name: dto.name,
            slug,
            namespace: this.namespacePrefix + slug,
            plan: dto.plan ?? 'free',
          },
          trx,
        );
        await this.enqueue(() => this.jobs.provision(created));
        return created;
      })
      .catch((err: unknown) => {
        if (isUniqueViolation(err)) {
          throw new ConflictError(
            `Slug "${slug}" is taken${dto.slug ? '' : ' (derived from the name; send a slug)'}`,
            [{ field: 'slug', problems: ['already taken'] }],
          );
        }
        throw err;
      });
    return toCustomer(row);
  }

  /** Operators see every customer; anyone else sees only its own (`onlyId`). */
  async list(
    query: { limit: number; cursor?: string },
    onlyId?: string,
  ): Promise<Page<CustomerView>> {
    const rows = await this.repo.list({
      after: decodeCursor(query.cursor),
      limit: query.limit,
      onlyId,
    });
    return toPage(rows, query.limit, toCustomer);
  }

  async update(id: string, dto: UpdateCustomerDto): Promise<CustomerView> {
    const current = await this.requireActive(id);
    const planChanged = dto.plan !== undefined && dto.plan !== current.plan;
    const row = await this.db.transaction().execute(async (trx) => {
      const updated = (await this.repo.update(id, { name: dto.name, plan: dto.plan }, trx))!;
      // Quotas follow the plan: the namespace is provisioned again with the new one.
      if (planChanged)
        await this.enqueue(() =>
          this.jobs.provision(updated, String(updated.updated_at.getTime())),
        );
      return updated;
    });
    return toCustomer(row);
  }

  /**
   * Soft delete: `deleting` at once (its keys and users stop working), the namespace is torn
   * down by a job, which then marks it `deleted`. The slug stays taken.
   */
  async remove(id: string): Promise<CustomerView> {
    await this.row(id);
    const row = await this.db.transaction().execute(async (trx) => {
      const updated = (await this.repo.setStatus(id, { status: 'deleting', reason: null }, trx))!;
      await this.enqueue(() => this.jobs.teardown(updated));
      return updated;
    });
    await this.auth.apiKeysChanged(); // its keys stop working: replicas cache active keys
    return toCustomer(row);
  }

  private async row(id: string, db?: Db): Promise<CustomerRow> {
    // Ids from jobs and payloads skip the validation pipe: a malformed one is simply not found.
    const row = isUUID(id) ? await this.repo.findById(id, db) : undefined;
    if (!row || row.status === 'deleted') throw new NotFoundError('Customer', id);
    return row;
  }

  private async enqueue(add: () => Promise<void>): Promise<void> {
    try {
      await add();
    } catch (err) {
      throw new ServiceUnavailableError('The deployment queue is unavailable, retry later', {
        cause: err,
      });
    }
  }
}

function toCustomer(row: CustomerRow): CustomerView {
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    namespace: row.namespace,
    plan: row.plan,
    status: row.status,
    statusReason: row.status_reason,
    createdAt: row.created_at.toISOString(),
  };
}

export function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string } | undefined)?.code === '23505';
}
