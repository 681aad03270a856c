import { Module } from '@nestjs/common';
import { VesModule } from '../ves/ves.module';

@Module({
  imports: [VesModule],
  providers: [],
  exports: [],
})
export class MarketplaceModule {}

/** Controllers of this domain, served by the API app only. */
export const MARKETPLACE_CONTROLLERS = [];
/** Processors of this domain, run where workers run (RUN_MODE=all|worker). */
export const MARKETPLACE_PROCESSORS = [];
