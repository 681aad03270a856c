import { Module } from '@nestjs/common';
import { BillingService } from './billing.service';

@Module({
  imports: [],
  providers: [BillingService],
  exports: [BillingService],
})
export class BillingModule {}

/** Controllers of this domain, served by the API app only. */
export const BILLING_CONTROLLERS = [];
/** Processors of this domain, run where workers run (RUN_MODE=all|worker). */
export const BILLING_PROCESSORS = [];
