import { Module } from '@nestjs/common';
import { VesModule } from '../ves/ves.module';
import { BillingModule } from '../billing/billing.module';
import { GatewayService } from './gateway.service';

@Module({
  imports: [VesModule, BillingModule],
  providers: [GatewayService],
  exports: [GatewayService],
})
export class GatewayModule {}

/** Controllers of this domain, served by the API app only. */
export const GATEWAY_CONTROLLERS = [];
/** Processors of this domain, run where workers run (RUN_MODE=all|worker). */
export const GATEWAY_PROCESSORS = [];
