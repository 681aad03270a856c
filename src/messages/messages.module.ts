import { Module } from '@nestjs/common';
import { BillingModule } from '../billing/billing.module';
import { GatewayModule } from '../gateway/gateway.module';
import { VesModule } from '../ves/ves.module';
import { MessageDeliveryService } from './message-delivery.service';
import { MessagesController } from './messages.controller';
import { MessagesProcessor } from './messages.processor';
import { MessagesRepository } from './messages.repository';
import { MessagesService } from './messages.service';

@Module({
  imports: [GatewayModule, VesModule, BillingModule],
  providers: [MessagesService, MessagesRepository, MessageDeliveryService],
  exports: [MessagesService, MessageDeliveryService],
})
export class MessagesModule {}

/** Controllers of this domain, served by the API app only. */
export const MESSAGES_CONTROLLERS = [MessagesController];
/** Processors of this domain, run where workers run (RUN_MODE=all|worker). */
export const MESSAGES_PROCESSORS = [MessagesProcessor];
