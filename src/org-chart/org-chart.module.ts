import { Module } from '@nestjs/common';
import { VesModule } from '../ves/ves.module';

@Module({
  imports: [VesModule],
  providers: [],
  exports: [],
})
export class OrgChartModule {}

/** Controllers of this domain, served by the API app only. */
export const ORG_CHART_CONTROLLERS = [];
/** Processors of this domain, run where workers run (RUN_MODE=all|worker). */
export const ORG_CHART_PROCESSORS = [];
