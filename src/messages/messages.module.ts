import { Module } from '@nestjs/common';
import { GatewayModule } from '../gateway/gateway.module';
import { VesModule } from '../ves/ves.module';
import { MessagesService } from './messages.service';

@Module({
  imports: [GatewayModule, VesModule],
  providers: [MessagesService],
  exports: [MessagesService],
})
export class MessagesModule {}

/** Controllers of this domain, served by the API app only. */
export const MESSAGES_CONTROLLERS = [];
/** Processors of this domain, run where workers run (RUN_MODE=all|worker). */
export const MESSAGES_PROCESSORS = [];
