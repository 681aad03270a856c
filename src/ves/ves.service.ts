import { Injectable, OnModuleInit } from '@nestjs/common';
import { isUUID } from 'class-validator';
import type { Db } from '../common/db-types';
import { NotFoundError } from '../common/domain-errors';
import { decodeCursor, Page, PageQueryDto, toPage } from '../common/pagination';
import type { VeStatus } from '../database/database.types';
import { EventsService } from '../events/events.service';
import { chainOfCommand, reportsOf } from '../org-chart/org-hierarchy';
import { RedisCache } from '../redis/redis-cache';
import { toVe } from './ve.mapper';
import { VesRepository } from './ves.repository';
import { ORCHESTRATOR_ROLE, Ve, VeStatusChange } from './ves.types';

/** The org structure changes with every VE write and is invalidated then; the TTL only bounds a missed invalidation. */
const ORG_CACHE_TTL_SECONDS = 120;

/**
 * Contract used by other domains (gateway, orchestrator, tasks, webhooks, kubernetes, messages).
 * Owned by the tenancy issue (#3). Reads, status, and the org relations delegation relies on;
 * creating, changing and deleting VEs is VeLifecycleService.
 */
@Injectable()
export class VesService implements OnModuleInit {
  constructor(
    private readonly repo: VesRepository,
    private readonly events: EventsService,
    private readonly cache: RedisCache,
  ) {}

  onModuleInit(): void {
    // A status set inside a caller's transaction is announced after its commit: that is also
    // when the cached org structure may be dropped without a stale re-read filling it again.
    this.events.onPublished(async (event) => {
      if (event.type === 've.status') await this.cache.invalidate(orgCacheKey(event.customerId));
    });
  }

  /** The VE of this customer, or NotFoundError (also for another customer's VE and deleted ones). */
  async get(customerId: string, id: string, db?: Db): Promise<Ve> {
    // Ids from webhook payloads and jobs skip the validation pipe: a malformed one is not found.
    const valid = isUUID(id) && isUUID(customerId);
    const row = valid ? await this.repo.findById(customerId, id, db) : undefined;
    if (!row) throw new NotFoundError('VE', id);
    return toVe(row);
  }

  async findByAgentName(customerId: string, agentName: string): Promise<Ve | undefined> {
    if (!isUUID(customerId)) return undefined;
    const row = await this.repo.findByAgentName(customerId, agentName);
    return row && toVe(row);
  }

  /** Non-deleted VEs of a customer, optionally only those in the given statuses. */
  async listAll(customerId: string, statuses?: VeStatus[]): Promise<Ve[]> {
    if (!isUUID(customerId)) return [];
    return (await this.repo.listAll(customerId, statuses)).map(toVe);
  }

  /** Every non-deleted VE of every customer, for the health monitor (paged by id). */
  async listAllForMonitoring(afterId: string | null, limit: number): Promise<Ve[]> {
    return (await this.repo.listAllForMonitoring(afterId, limit)).map(toVe);
  }

  /**
   * Sets status (+reason, conditions); emits `ve.status` when it changed. Returns whether it changed
   * (false for a deleted or unknown VE too). Given a transaction, it must have been opened with
   * EventsService.transaction(): the event (and the org cache refresh) then follow its commit.
   */
  async setStatus(
    customerId: string,
    id: string,
    change: VeStatusChange,
    db?: Db,
  ): Promise<boolean> {
    if (!isUUID(id) || !isUUID(customerId)) return false;
    const row = await this.repo.setStatus(customerId, id, change, db);
    if (!row) return false;
    const event = {
      type: 've.status' as const,
      customerId,
      veId: id,
      data: { status: row.status, reason: row.status_reason },
    };
    if (db?.isTransaction) await this.events.publishAfterCommit(db, event);
    else await this.changed(customerId, id, { status: row.status, reason: row.status_reason });
    return true;
  }

  /** Stores the rendered manifest and the generation deployed (an older generation never overwrites a newer one). */
  async recordManifest(
    customerId: string,
    id: string,
    manifest: unknown,
    generation: number,
  ): Promise<void> {
    if (!isUUID(id) || !isUUID(customerId)) throw new NotFoundError('VE', id);
    const stored = await this.repo.recordManifest(customerId, id, manifest, generation);
    if (!stored && !(await this.repo.exists(customerId, id))) throw new NotFoundError('VE', id);
  }

  /** A page of the customer's VEs, oldest first. */
  async page(
    customerId: string,
    filter: { status?: VeStatus; department?: string },
    query: PageQueryDto,
  ): Promise<Page<Ve>> {
    const rows = await this.repo.page(customerId, filter, {
      after: decodeCursor(query.cursor),
      limit: query.limit,
    });
    return toPage(rows, query.limit, toVe);
  }

  /** The customer's orchestrator (router) VE, if it has one. */
  async findOrchestrator(customerId: string): Promise<Ve | undefined> {
    const row = await this.repo.findByRole(customerId, ORCHESTRATOR_ROLE);
    return row && toVe(row);
  }

  /** The customer's live VEs from the Redis cache (the org structure): for the org chart and delegation checks. */
  orgSnapshot(customerId: string): Promise<Ve[]> {
    return this.cache.getOrLoad(orgCacheKey(customerId), 'ves', ORG_CACHE_TTL_SECONDS, () =>
      this.listAll(customerId),
    );
  }

  /** The managers above a VE, nearest first (empty for a root). NotFoundError for an unknown VE. */
  async chainOfCommand(customerId: string, veId: string): Promise<Ve[]> {
    const ves = await this.orgSnapshot(customerId);
    const byId = new Map(ves.map((v) => [v.id, v]));
    if (!byId.has(veId)) throw new NotFoundError('VE', veId);
    return chainOfCommand(nodes(ves), veId).map((id) => byId.get(id)!);
  }

  /** The VE's reports: direct only, or at every depth with `recursive`. NotFoundError for an unknown VE. */
  async reportsOf(
    customerId: string,
    veId: string,
    opts: { recursive?: boolean } = {},
  ): Promise<Ve[]> {
    const ves = await this.orgSnapshot(customerId);
    if (!ves.some((v) => v.id === veId)) throw new NotFoundError('VE', veId);
    if (!opts.recursive) return ves.filter((v) => v.managerId === veId);
    const below = reportsOf(nodes(ves), veId);
    return ves.filter((v) => below.has(v.id));
  }

  /**
   * The delegation rule: `toVeId` reports to `fromVeId` (at any depth), or both have the same
   * manager (VEs without a manager are peers of each other). False for the same VE, or when
   * either is unknown, deleted or another customer's.
   */
  async isReportOrPeer(customerId: string, fromVeId: string, toVeId: string): Promise<boolean> {
    if (fromVeId === toVeId) return false;
    const ves = await this.orgSnapshot(customerId);
    const from = ves.find((v) => v.id === fromVeId);
    const to = ves.find((v) => v.id === toVeId);
    if (!from || !to) return false;
    if (from.managerId === to.managerId) return true;
    return reportsOf(nodes(ves), fromVeId).has(toVeId);
  }

  /** After any committed change to a customer's VEs: drop its cached org structure; announce status changes. */
  async changed(
    customerId: string,
    veId: string,
    status?: { status: VeStatus; reason: string | null },
  ): Promise<void> {
    await this.cache.invalidate(orgCacheKey(customerId));
    if (status) {
      await this.events.publish({
        type: 've.status',
        customerId,
        veId,
        data: { status: status.status, reason: status.reason },
      });
    }
  }
}

function orgCacheKey(customerId: string): string {
  return `org:${customerId}`;
}

function nodes(ves: Ve[]) {
  return ves.map((v) => ({ id: v.id, managerId: v.managerId }));
}
