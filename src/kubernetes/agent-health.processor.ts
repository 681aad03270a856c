import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DelayedError, Job, Queue } from 'bullmq';
import { AppConfig } from '../config/app-config';
import { MONITORING_JOBS, QUEUES } from '../queue/queue.constants';
import { AgentHealthService } from './agent-health.service';
import { KubernetesClient } from './kubernetes-client';

/** The job scheduler id: one schedule for the whole deployment, however many workers start. */
export const AGENT_HEALTH_SCHEDULER = 'agent-health';
/** How long a job meant for another `monitoring` processor is set aside before it is offered again. */
const HAND_BACK_MS = 250;

/**
 * Runs the agent-health sweep on the `monitoring` queue every AGENT_HEALTH_INTERVAL_MS in cluster
 * mode (a BullMQ job scheduler: upserting it from every worker keeps exactly one).
 */
@Processor(QUEUES.monitoring)
export class AgentHealthProcessor
  extends WorkerHost
  implements OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly logger = new Logger(AgentHealthProcessor.name);
  private keeper?: NodeJS.Timeout;

  constructor(
    @InjectQueue(QUEUES.monitoring) private readonly queue: Queue,
    private readonly health: AgentHealthService,
    private readonly k8s: KubernetesClient,
    private readonly config: AppConfig,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.k8s.mode !== 'cluster') {
      // Nothing to observe in dry-run/off: a schedule left from an earlier mode is removed.
      await this.queue.removeJobScheduler(AGENT_HEALTH_SCHEDULER).catch(() => undefined);
      return;
    }
    await this.schedule().catch((err: unknown) => {
      this.logger.warn(
        { err: (err as Error).message },
        'agent-health monitor not scheduled yet; the keeper retries',
      );
    });
    // The schedule lives in Redis: re-create it if Redis lost it (a flush) or was down at boot.
    const every = this.config.get('AGENT_HEALTH_INTERVAL_MS');
    this.keeper = setInterval(
      () => {
        this.queue
          .getJobScheduler(AGENT_HEALTH_SCHEDULER)
          .then((found) => (found ? undefined : this.schedule()))
          .catch(() => undefined); // Redis down: next tick
      },
      Math.max(every, 5_000),
    );
    this.keeper.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.keeper);
  }

  private async schedule(): Promise<void> {
    await this.queue.upsertJobScheduler(
      AGENT_HEALTH_SCHEDULER,
      { every: this.config.get('AGENT_HEALTH_INTERVAL_MS') },
      {
        name: MONITORING_JOBS.agentHealth,
        data: {},
        opts: { attempts: 1, removeOnComplete: { count: 100 }, removeOnFail: { count: 1_000 } },
      },
    );
  }

  async process(job: Job, token?: string): Promise<unknown> {
    if (job.name !== MONITORING_JOBS.agentHealth) {
      // The `monitoring` queue is shared with other domains' schedulers (task reconciler): a
      // worker takes any job, so hand a foreign one back for the processor that owns it.
      await job.moveToDelayed(Date.now() + HAND_BACK_MS, token);
      throw new DelayedError();
    }
    // Job duration is measured for every processor by JobMetricsListener.
    return this.health.sweep();
  }
}
