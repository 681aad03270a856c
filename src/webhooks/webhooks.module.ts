import { Module } from '@nestjs/common';
import { TasksModule } from '../tasks/tasks.module';
import { MessagesModule } from '../messages/messages.module';
import { VesModule } from '../ves/ves.module';
import { BillingModule } from '../billing/billing.module';
import { CustomersModule } from '../customers/customers.module';

@Module({
  imports: [TasksModule, MessagesModule, VesModule, BillingModule, CustomersModule],
  providers: [],
  exports: [],
})
export class WebhooksModule {}

/** Controllers of this domain, served by the API app only. */
export const WEBHOOKS_CONTROLLERS = [];
/** Processors of this domain, run where workers run (RUN_MODE=all|worker). */
export const WEBHOOKS_PROCESSORS = [];
