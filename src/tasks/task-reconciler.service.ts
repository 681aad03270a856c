import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import type { TaskRow, TaskStatus } from '../database/database.types';
import { REDIS } from '../redis/redis.module';
import { TaskQueue } from './task-queue.service';
import { TaskStopper } from './task-stopper.service';
import { TaskTransitions } from './task-transitions.service';
import { nowMs, TasksRepository } from './tasks.repository';

const PAGE = 500;
/** A run handles at most this many pages per scan; the next run continues (oldest first). */
const MAX_PAGES = 40;
/** Longer than any run can take: a crashed holder cannot block the reconciler for long. */
const LOCK_MS = 5 * 60_000;
/** Waiting for a worker, or assigned to one that may have died: these need a live job. */
const NEED_A_JOB: readonly TaskStatus[] = ['pending', 'queued', 'assigned'];

export interface ReconcileReport {
  skipped?: string;
  scanned: number;
  reenqueued: number;
  timedOut: number;
}

/**
 * The database is the truth, the queue a delivery mechanism: every RECONCILE_INTERVAL_MS this
 * re-enqueues tasks that wait without a live job (a lost enqueue, a flushed Redis, a run that
 * died for good) and fails tasks in_progress with no news for TASK_DEADLINE_MS. Re-enqueueing
 * uses job id = task id and the runner's conditional transitions, so nothing runs twice.
 */
@Injectable()
export class TaskReconciler {
  private readonly logger = new Logger(TaskReconciler.name);
  private readonly lockKey: string;

  constructor(
    private readonly repo: TasksRepository,
    private readonly transitions: TaskTransitions,
    private readonly taskQueue: TaskQueue,
    private readonly stopper: TaskStopper,
    private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis,
  ) {
    this.lockKey = `${config.get('BULLMQ_PREFIX')}:tasks:reconcile-lock`;
  }

  async reconcile(): Promise<ReconcileReport> {
    // One run at a time across every worker process, even if a run outlasts the interval.
    const token = randomUUID();
    if ((await this.redis.set(this.lockKey, token, 'PX', LOCK_MS, 'NX')) !== 'OK') {
      return {
        skipped: 'another reconcile run is in progress',
        scanned: 0,
        reenqueued: 0,
        timedOut: 0,
      };
    }
    try {
      const report = await this.reenqueueOrphans();
      report.timedOut = await this.failOverdue();
      if (report.reenqueued || report.timedOut) this.logger.log(report, 'tasks reconciled');
      return report;
    } finally {
      // Release only our own lock (compare-and-delete).
      await this.redis
        .eval(
          "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0",
          1,
          this.lockKey,
          token,
        )
        .catch(() => undefined);
    }
  }

  private async reenqueueOrphans(): Promise<ReconcileReport> {
    const report: ReconcileReport = { scanned: 0, reenqueued: 0, timedOut: 0 };
    const grace = this.config.get('TASK_RECONCILE_GRACE_MS');
    await this.scan(report, NEED_A_JOB, grace, () => true);
    // A synchronous run that lost its job (its worker died twice and BullMQ gave up on it, or
    // Redis lost it) is surely over once an agent call could not last longer: run it again.
    // Tasks the agent answered "working"/"input-required" (an A2A task id) wait for callbacks.
    const callMs =
      this.config.get('AGENT_CALL_TIMEOUT_MS') * (this.config.get('AGENT_CALL_RETRIES') + 1);
    await this.scan(
      report,
      ['in_progress'],
      Math.max(grace, callMs + 30_000),
      (row) => !row.a2a_task_id,
    );
    return report;
  }

  private async scan(
    report: ReconcileReport,
    statuses: readonly TaskStatus[],
    graceMs: number,
    eligible: (row: TaskRow) => boolean,
  ): Promise<void> {
    const before = new Date(Date.now() - graceMs);
    let after: { at: Date; id: string } | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const rows = await this.repo.staleAcrossCustomers(statuses, before, PAGE, after);
      report.scanned += rows.length;
      const orphans = await this.withoutLiveJob(rows.filter(eligible));
      for (const row of orphans) if (await this.revive(row)) report.reenqueued++;
      if (rows.length < PAGE) break;
      const last = rows[rows.length - 1]!;
      after = { at: last.updated_at, id: last.id };
    }
  }

  /** The rows whose job is missing or finished (one pipelined round trip per page). */
  private async withoutLiveJob(rows: TaskRow[]): Promise<TaskRow[]> {
    if (!rows.length) return [];
    const pipe = this.redis.pipeline();
    for (const row of rows) {
      const key = this.taskQueue.queue.toKey(row.id);
      pipe.hget(key, 'finishedOn').exists(key);
    }
    const replies = (await pipe.exec()) ?? [];
    return rows.filter((_, i) => {
      const finishedOn = replies[2 * i]?.[1];
      const exists = replies[2 * i + 1]?.[1];
      return !exists || Boolean(finishedOn);
    });
  }

  private async revive(row: TaskRow): Promise<boolean> {
    const data = { by: 'reconciler', reason: 'no live job for the task', status: row.status };
    // A lost enqueue: queued first, so the job (which may run at once) finds it queued.
    if (row.status === 'pending') {
      await this.transitions.run(undefined, (trx) =>
        this.transitions.apply(trx, row.customer_id, row.id, {
          to: 'queued',
          from: ['pending'],
          event: { data },
        }),
      );
    }
    if (!(await this.taskQueue.ensureEnqueued(row))) return false;
    await this.transitions.run(undefined, (trx) =>
      this.transitions.record(trx, row.customer_id, row.id, 'reenqueued', data),
    );
    return true;
  }

  private async failOverdue(): Promise<number> {
    const deadline = this.config.get('TASK_DEADLINE_MS');
    const rows = await this.repo.staleAcrossCustomers(
      ['in_progress'],
      new Date(Date.now() - deadline),
      PAGE,
    );
    let failed = 0;
    for (const row of rows) {
      const r = await this.transitions.run(undefined, async (trx) => {
        // A progress report since the scan saves the task: only fail it if it has not moved.
        const current = await this.repo.findForUpdate(row.customer_id, row.id, trx);
        if (current?.updated_at.getTime() !== row.updated_at.getTime())
          return { ok: false as const, row: current };
        return this.transitions.apply(trx, row.customer_id, row.id, {
          to: 'failed',
          from: ['in_progress'],
          patch: {
            error: `No result within the task deadline (${deadline} ms)`,
            completed_at: nowMs(),
          },
          event: { data: { by: 'reconciler', deadlineMs: deadline } },
        });
      });
      if (!r.ok) continue;
      failed++;
      await this.stopper.stop(r.row);
    }
    return failed;
  }
}
