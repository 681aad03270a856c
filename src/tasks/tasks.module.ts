import { Module } from '@nestjs/common';
import { VesModule } from '../ves/ves.module';
import { OrchestratorModule } from '../orchestrator/orchestrator.module';
import { GatewayModule } from '../gateway/gateway.module';
import { BillingModule } from '../billing/billing.module';
import { MessagesModule } from '../messages/messages.module';
import { TasksService } from './tasks.service';

@Module({
  imports: [VesModule, OrchestratorModule, GatewayModule, BillingModule, MessagesModule],
  providers: [TasksService],
  exports: [TasksService],
})
export class TasksModule {}

/** Controllers of this domain, served by the API app only. */
export const TASKS_CONTROLLERS = [];
/** Processors of this domain, run where workers run (RUN_MODE=all|worker). */
export const TASKS_PROCESSORS = [];
