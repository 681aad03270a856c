import { Inject, Injectable } from '@nestjs/common';
import { Kysely } from 'kysely';
import type { Db } from '../common/db-types';
import { ConflictError, NotFoundError, UnprocessableError } from '../common/domain-errors';
import { CustomersService } from '../customers/customers.service';
import { KYSELY } from '../database/database.constants';
import type { Database, VeRow, VeUpdate } from '../database/database.types';
import { TemplatesService } from '../marketplace/templates.service';
import { checkManagerChange } from '../org-chart/org-hierarchy';
import { agentNameBase, pickAgentName } from './agent-name';
import { VeDeployJobs } from './ve-deploy-jobs';
import { toVe } from './ve.mapper';
import { VesRepository } from './ves.repository';
import { VesService } from './ves.service';
import { ORCHESTRATOR_ROLE, Ve } from './ves.types';

/** What a VE is made of, from a custom definition or a template. */
export interface VeInput {
  name: string;
  role: string;
  department?: string;
  systemPrompt: string;
  model: string;
  skills: string[];
  tools: string[];
  managerId?: string | null;
  agentUrl?: string | null;
  templateId?: string | null;
}

export type VePatch = Partial<Omit<VeInput, 'templateId'>>;

/** Fields whose change alters the deployed agent; a change of manager alone does not redeploy. */
const DEPLOYED_FIELDS = [
  'name',
  'role',
  'department',
  'systemPrompt',
  'model',
  'skills',
  'tools',
  'agentUrl',
] as const;

/**
 * Hiring, changing and firing VEs. Each write runs in one transaction under the customer's org
 * lock (agent names, manager rules, one orchestrator) and queues its deployment job before commit.
 */
@Injectable()
export class VeLifecycleService {
  constructor(
    @Inject(KYSELY) private readonly db: Kysely<Database>,
    private readonly repo: VesRepository,
    private readonly ves: VesService,
    private readonly customers: CustomersService,
    private readonly templates: TemplatesService,
    private readonly jobs: VeDeployJobs,
  ) {}

  async create(customerId: string, input: VeInput): Promise<Ve> {
    const row = await this.db.transaction().execute(async (trx) => {
      const customer = await this.customers.requireActive(customerId, trx);
      await this.repo.lockCustomerOrg(customerId, trx);
      if (input.managerId) await this.assertManager(customerId, null, input.managerId, trx);
      if (input.role === ORCHESTRATOR_ROLE)
        await this.assertNoOtherOrchestrator(customerId, null, trx);
      const base = agentNameBase(input.name);
      const agentName = pickAgentName(base, await this.repo.agentNamesLike(customerId, base, trx));
      const created = await this.repo.insert(
        {
          customer_id: customerId,
          template_id: input.templateId ?? null,
          name: input.name,
          role: input.role,
          department: input.department ?? 'general',
          agent_name: agentName,
          namespace: customer.namespace,
          system_prompt: input.systemPrompt,
          model: input.model,
          skills: input.skills,
          tools: input.tools,
          agent_url: input.agentUrl ?? null,
          manager_id: input.managerId ?? null,
          status: 'deploying',
          status_reason: null,
          conditions: '[]',
          manifest: null,
          deployed_generation: null,
          deleted_at: null,
        },
        trx,
      );
      await this.jobs.deploy(created);
      return created;
    });
    await this.ves.changed(customerId, row.id, { status: row.status, reason: row.status_reason });
    return toVe(row);
  }

  /** A VE from a marketplace template; `name` and `managerId` may be chosen. */
  async hire(
    customerId: string,
    templateId: string,
    opts: { name?: string; managerId?: string | null } = {},
  ): Promise<Ve> {
    const t = await this.templates.get(templateId);
    return this.create(customerId, {
      name: opts.name ?? t.name,
      role: t.role,
      department: t.department,
      systemPrompt: t.systemPrompt,
      model: t.model,
      skills: t.skills,
      tools: t.tools,
      managerId: opts.managerId ?? null,
      templateId: t.id,
    });
  }

  /**
   * Applies a change. A change to what is deployed bumps the generation, sets `deploying` and
   * queues a redeploy; a change of manager alone only moves the VE in the org chart.
   * The agent name never changes (it names the Kubernetes objects).
   */
  async update(customerId: string, id: string, patch: VePatch): Promise<Ve> {
    const redeploy = DEPLOYED_FIELDS.some((f) => patch[f] !== undefined);
    const result = await this.db.transaction().execute(async (trx) => {
      await this.repo.lockCustomerOrg(customerId, trx);
      const current = await this.row(customerId, id, trx);
      if (patch.managerId !== undefined && patch.managerId !== current.manager_id) {
        await this.assertManager(customerId, id, patch.managerId, trx);
      }
      if (patch.role === ORCHESTRATOR_ROLE && current.role !== ORCHESTRATOR_ROLE) {
        await this.assertNoOtherOrchestrator(customerId, id, trx);
      }
      const set: VeUpdate = {
        name: patch.name,
        role: patch.role,
        department: patch.department,
        system_prompt: patch.systemPrompt,
        model: patch.model,
        skills: patch.skills,
        tools: patch.tools,
        agent_url: patch.agentUrl,
        manager_id: patch.managerId,
      };
      if (redeploy)
        Object.assign(set, {
          generation: current.generation + 1,
          status: 'deploying',
          status_reason: null,
        });
      const updated = (await this.repo.update(customerId, id, set, trx))!;
      if (redeploy) await this.jobs.deploy(updated);
      return {
        updated,
        statusChanged:
          updated.status !== current.status || updated.status_reason !== current.status_reason,
      };
    });
    const { updated, statusChanged } = result;
    await this.ves.changed(
      customerId,
      id,
      statusChanged ? { status: updated.status, reason: updated.status_reason } : undefined,
    );
    return toVe(updated);
  }

  /** Moves a VE in the org chart (null: to the top). Cycle 409, too deep 422, unknown manager 404. */
  async setManager(customerId: string, id: string, managerId: string | null): Promise<Ve> {
    return this.update(customerId, id, { managerId });
  }

  /**
   * Fires a VE: stopped and soft-deleted at once (its agent name is free again), its reports move
   * up to its manager, and an undeploy job removes the agent.
   */
  async remove(customerId: string, id: string): Promise<Ve> {
    const row = await this.db.transaction().execute(async (trx) => {
      await this.repo.lockCustomerOrg(customerId, trx);
      const current = await this.row(customerId, id, trx);
      await this.repo.reassignReports(customerId, id, current.manager_id, trx);
      const deleted = (await this.repo.softDelete(customerId, id, trx))!;
      await this.jobs.undeploy(deleted);
      return deleted;
    });
    await this.ves.changed(customerId, id, { status: row.status, reason: row.status_reason });
    return toVe(row);
  }

  private async row(customerId: string, id: string, db: Db): Promise<VeRow> {
    const row = await this.repo.findById(customerId, id, db);
    if (!row) throw new NotFoundError('VE', id);
    return row;
  }

  /** The manager must be a live VE of the same customer (else 404), without a cycle (409) or too deep a chart (422). */
  private async assertManager(
    customerId: string,
    veId: string | null,
    managerId: string | null,
    db: Db,
  ): Promise<void> {
    const verdict = checkManagerChange(await this.repo.orgNodes(customerId, db), veId, managerId);
    if (verdict.ok) return;
    const details = [{ field: 'managerId', problems: [verdict.message] }];
    if (verdict.reason === 'unknown-manager')
      throw new NotFoundError('Manager VE', managerId ?? undefined);
    if (verdict.reason === 'depth') throw new UnprocessableError(verdict.message, details);
    throw new ConflictError(verdict.message, details);
  }

  /** One orchestrator per customer: it is the customer's router, there is no choosing between two. */
  private async assertNoOtherOrchestrator(
    customerId: string,
    exceptId: string | null,
    db: Db,
  ): Promise<void> {
    const existing = await this.repo.findByRole(customerId, ORCHESTRATOR_ROLE, db);
    if (existing && existing.id !== exceptId) {
      throw new ConflictError(
        `This customer already has an orchestrator VE (${existing.agent_name})`,
        [{ field: 'role', problems: ['only one orchestrator per customer'] }],
      );
    }
  }
}
