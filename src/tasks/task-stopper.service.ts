import { Injectable, Logger } from '@nestjs/common';
import type { TaskRow } from '../database/database.types';
import { GatewayService } from '../gateway/gateway.service';
import { VesService } from '../ves/ves.service';
import { TaskQueue } from './task-queue.service';

/**
 * Stops the work of a task that was just cancelled or failed by the platform: its waiting job
 * is removed, a running job is aborted through the worker that holds it, and a known A2A task
 * is cancelled at the agent. Best effort: the state change is already committed, so a run
 * that still ends finds the task final and changes nothing.
 */
@Injectable()
export class TaskStopper {
  private readonly logger = new Logger(TaskStopper.name);

  constructor(
    private readonly taskQueue: TaskQueue,
    private readonly ves: VesService,
    private readonly gateway: GatewayService,
  ) {}

  async stop(row: TaskRow): Promise<void> {
    try {
      if ((await this.taskQueue.withdraw(row.id)) === 'running')
        await this.taskQueue.signalCancel(row.id);
    } catch (err) {
      this.logger.warn(
        { err, taskId: row.id },
        'stop: the queue could not be reached; the run will find the task final',
      );
    }
    if (!row.a2a_task_id || !row.ve_id) return;
    try {
      const ve = await this.ves.get(row.customer_id, row.ve_id);
      await this.gateway.cancelAgentTask(row.customer_id, ve, row.a2a_task_id);
    } catch (err) {
      this.logger.warn({ err, taskId: row.id }, 'stop: the agent task could not be cancelled');
    }
  }
}
