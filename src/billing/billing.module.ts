import { Module } from '@nestjs/common';
import { BillingController } from './billing.controller';
import { BillingService } from './billing.service';
import { BudgetController } from './budget.controller';
import { BudgetRepository } from './budget.repository';
import { BudgetService } from './budget.service';
import { CommitWatcher } from './commit-watcher';
import { HeldTasksReleaser } from './held-tasks.releaser';
import { PricingController } from './pricing.controller';
import { PricingRepository } from './pricing.repository';
import { PricingService } from './pricing.service';
import { UsageReportService } from './usage-report.service';
import { UsageLedgerWriter } from './usage-ledger.writer';
import { UsageRepository } from './usage.repository';

@Module({
  imports: [],
  providers: [
    BillingService,
    BudgetService,
    PricingService,
    UsageReportService,
    CommitWatcher,
    HeldTasksReleaser,
    UsageRepository,
    UsageLedgerWriter,
    BudgetRepository,
    PricingRepository,
  ],
  exports: [BillingService, BudgetService, PricingService, UsageReportService],
})
export class BillingModule {}

/** Controllers of this domain, served by the API app only. */
export const BILLING_CONTROLLERS = [BillingController, BudgetController, PricingController];
/** Processors of this domain, run where workers run (RUN_MODE=all|worker). */
export const BILLING_PROCESSORS = [];
