import { Module } from '@nestjs/common';
import { VesService } from './ves.service';

@Module({
  imports: [],
  providers: [VesService],
  exports: [VesService],
})
export class VesModule {}

/** Controllers of this domain, served by the API app only. */
export const VES_CONTROLLERS = [];
/** Processors of this domain, run where workers run (RUN_MODE=all|worker). */
export const VES_PROCESSORS = [];
