import { Module } from '@nestjs/common';
import { DOMAIN_MODULES, DOMAIN_PROCESSORS } from './domains';

/** Every BullMQ processor; loaded only where jobs are consumed (RUN_MODE=all|worker). */
@Module({
  imports: [...DOMAIN_MODULES],
  providers: [...DOMAIN_PROCESSORS],
})
export class WorkersModule {}
