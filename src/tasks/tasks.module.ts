import { Module } from '@nestjs/common';
import { VesModule } from '../ves/ves.module';
import { OrchestratorModule } from '../orchestrator/orchestrator.module';
import { GatewayModule } from '../gateway/gateway.module';
import { BillingModule } from '../billing/billing.module';
import { MessagesModule } from '../messages/messages.module';
import { CustomerSlots } from './customer-slots';
import { TaskCancelListener } from './task-cancel.listener';
import { TaskCreation } from './task-creation.service';
import { TaskDelegation } from './task-delegation.service';
import { TaskOutcomes } from './task-outcomes.service';
import { TaskProcessor } from './task.processor';
import { TaskQueue } from './task-queue.service';
import { TaskReconciler } from './task-reconciler.service';
import { TaskRunner } from './task-runner.service';
import { TaskStopper } from './task-stopper.service';
import { TaskTransitions } from './task-transitions.service';
import { TasksController } from './tasks.controller';
import { TasksRepository } from './tasks.repository';
import { TasksService } from './tasks.service';

@Module({
  imports: [VesModule, OrchestratorModule, GatewayModule, BillingModule, MessagesModule],
  providers: [
    TasksService,
    TasksRepository,
    TaskTransitions,
    TaskQueue,
    TaskCreation,
    TaskDelegation,
    TaskStopper,
    TaskRunner,
    TaskOutcomes,
    CustomerSlots,
    TaskReconciler,
  ],
  // The runner, reconciler and queue are what this domain's processors (in the workers module) need.
  exports: [TasksService, TaskRunner, TaskReconciler, TaskQueue],
})
export class TasksModule {}

/** Controllers of this domain, served by the API app only. */
export const TASKS_CONTROLLERS = [TasksController];
/** Processors of this domain, run where workers run (RUN_MODE=all|worker). */
export const TASKS_PROCESSORS = [TaskProcessor, TaskCancelListener];
