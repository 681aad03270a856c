import { Injectable } from '@nestjs/common';
import type { Db } from '../common/db-types';
import { notImplemented } from '../common/not-implemented';
import type { VeStatus } from '../database/database.types';
import type { Ve, VeStatusChange } from './ves.types';

/**
 * Contract used by other domains (gateway, orchestrator, tasks, webhooks, kubernetes, messages).
 * Owned by the tenancy issue (#3); signatures are fixed, bodies land with it.
 */
@Injectable()
export class VesService {
  /** The VE of this customer, or NotFoundError (also for another customer's VE and deleted ones). */
  async get(_customerId: string, _id: string, _db?: Db): Promise<Ve> {
    return notImplemented('VesService.get');
  }

  async findByAgentName(_customerId: string, _agentName: string): Promise<Ve | undefined> {
    return notImplemented('VesService.findByAgentName');
  }

  /** Non-deleted VEs of a customer, optionally only those in the given statuses. */
  async listAll(_customerId: string, _statuses?: VeStatus[]): Promise<Ve[]> {
    return notImplemented('VesService.listAll');
  }

  /** Every non-deleted VE of every customer, for the health monitor (paged by id). */
  async listAllForMonitoring(_afterId: string | null, _limit: number): Promise<Ve[]> {
    return notImplemented('VesService.listAllForMonitoring');
  }

  /** Sets status (+reason, conditions); emits `ve.status` when it changed. Returns whether it changed. */
  async setStatus(_customerId: string, _id: string, _change: VeStatusChange, _db?: Db): Promise<boolean> {
    return notImplemented('VesService.setStatus');
  }

  /** Stores the rendered manifest and the generation deployed. */
  async recordManifest(_customerId: string, _id: string, _manifest: unknown, _generation: number): Promise<void> {
    return notImplemented('VesService.recordManifest');
  }
}
