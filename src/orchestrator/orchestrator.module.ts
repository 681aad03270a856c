import { Module } from '@nestjs/common';
import { GatewayModule } from '../gateway/gateway.module';
import { VesModule } from '../ves/ves.module';
import { OrchestratorController } from './orchestrator.controller';
import { OrchestratorService } from './orchestrator.service';

@Module({
  imports: [GatewayModule, VesModule],
  providers: [OrchestratorService],
  exports: [OrchestratorService],
})
export class OrchestratorModule {}

/** Controllers of this domain, served by the API app only (it reaches TasksService through the API module). */
export const ORCHESTRATOR_CONTROLLERS = [OrchestratorController];
/** Processors of this domain, run where workers run (RUN_MODE=all|worker). */
export const ORCHESTRATOR_PROCESSORS = [];
