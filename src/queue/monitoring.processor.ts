import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, OnModuleInit } from '@nestjs/common';
import type { Job, Queue } from 'bullmq';
import { AppConfig } from '../config/app-config';
import { AgentHealthService } from '../kubernetes/agent-health.service';
import { KubernetesClient } from '../kubernetes/kubernetes-client';
import { TaskReconciler } from '../tasks/task-reconciler.service';
import { JobSchedulerKeeper } from './job-scheduler-keeper';
import { MONITORING_JOBS, QUEUES } from './queue.constants';

/** Job scheduler ids: one schedule each for the deployment however many workers keep it. */
export const TASK_RECONCILE_SCHEDULER = 'reconcile-tasks';
export const AGENT_HEALTH_SCHEDULER = 'agent-health';

const JOB_OPTS = { attempts: 1, removeOnComplete: { count: 100 }, removeOnFail: { count: 1_000 } };

/**
 * The one processor of the `monitoring` queue: its periodic jobs, by name, to the service that
 * does the work. A BullMQ worker takes every job of its queue, so two processors sharing it
 * would keep taking each other's jobs.
 * - `reconcile-tasks` every RECONCILE_INTERVAL_MS: the task reconciler (tasks lost between the
 *   database and the queue are re-enqueued or failed).
 * - `agent-health` every AGENT_HEALTH_INTERVAL_MS, in cluster mode only: the agent-health sweep.
 * The schedules live in Redis; the keeper re-creates one Redis lost (and creates them late if
 * Redis is down at boot).
 */
@Processor(QUEUES.monitoring)
export class MonitoringProcessor extends WorkerHost implements OnModuleInit {
  private readonly logger = new Logger(MonitoringProcessor.name);

  constructor(
    @InjectQueue(QUEUES.monitoring) private readonly queue: Queue,
    private readonly schedules: JobSchedulerKeeper,
    private readonly reconciler: TaskReconciler,
    private readonly agentHealth: AgentHealthService,
    private readonly k8s: KubernetesClient,
    private readonly config: AppConfig,
  ) {
    super();
  }

  async onModuleInit(): Promise<void> {
    await this.schedules.keep({
      queue: this.queue,
      id: TASK_RECONCILE_SCHEDULER,
      every: this.config.get('RECONCILE_INTERVAL_MS'),
      job: { name: MONITORING_JOBS.reconcileTasks, data: {}, opts: JOB_OPTS },
    });
    if (this.k8s.mode === 'cluster') {
      await this.schedules.keep({
        queue: this.queue,
        id: AGENT_HEALTH_SCHEDULER,
        every: this.config.get('AGENT_HEALTH_INTERVAL_MS'),
        job: { name: MONITORING_JOBS.agentHealth, data: {}, opts: JOB_OPTS },
      });
    } else {
      // Nothing to observe in dry-run/off: a schedule left from an earlier mode is removed
      // (not awaited: while Redis is down since boot the call waits for it).
      this.queue.removeJobScheduler(AGENT_HEALTH_SCHEDULER).catch(() => undefined);
    }
  }

  // Job duration is measured for every processor by JobMetricsListener.
  async process(job: Job): Promise<unknown> {
    switch (job.name) {
      case MONITORING_JOBS.reconcileTasks:
        return this.reconciler.reconcile();
      case MONITORING_JOBS.agentHealth:
        return this.agentHealth.sweep(); // outside cluster mode (a job left from it): a no-op
      default:
        this.logger.warn({ name: job.name, id: job.id }, 'unknown monitoring job; dropped');
        return undefined;
    }
  }
}
