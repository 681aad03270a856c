import { Module } from '@nestjs/common';
import { CustomersModule } from '../customers/customers.module';
import { MarketplaceModule } from '../marketplace/marketplace.module';
import { RedisCache } from '../redis/redis-cache';
import { HireController } from './hire.controller';
import { VeBatchService } from './ve-batch.service';
import { VeDeployJobs } from './ve-deploy-jobs';
import { VeLifecycleService } from './ve-lifecycle.service';
import { VeStatusCollector } from './ve-status.collector';
import { VesController } from './ves.controller';
import { VesRepository } from './ves.repository';
import { VesService } from './ves.service';

@Module({
  imports: [CustomersModule, MarketplaceModule],
  providers: [
    VesRepository,
    VesService,
    VeLifecycleService,
    VeBatchService,
    VeDeployJobs,
    VeStatusCollector,
    RedisCache,
  ],
  exports: [VesService, VeLifecycleService, VeBatchService],
})
export class VesModule {}

/** Controllers of this domain, served by the API app only. */
export const VES_CONTROLLERS = [VesController, HireController];
/** Processors of this domain, run where workers run (RUN_MODE=all|worker). */
export const VES_PROCESSORS = [];
