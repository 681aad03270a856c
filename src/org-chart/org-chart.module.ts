import { Module } from '@nestjs/common';
import { VesModule } from '../ves/ves.module';
import { OrgChartController } from './org-chart.controller';
import { OrgChartService } from './org-chart.service';

@Module({
  imports: [VesModule],
  providers: [OrgChartService],
  exports: [OrgChartService],
})
export class OrgChartModule {}

/** Controllers of this domain, served by the API app only. */
export const ORG_CHART_CONTROLLERS = [OrgChartController];
/** Processors of this domain, run where workers run (RUN_MODE=all|worker). */
export const ORG_CHART_PROCESSORS = [];
