import { Module } from '@nestjs/common';
import { RedisCache } from '../redis/redis-cache';
import { TemplatesController } from './templates.controller';
import { TemplatesRepository } from './templates.repository';
import { TemplatesService } from './templates.service';

/** The template catalogue. Hiring lives in the VEs domain (it creates VEs), which imports this module. */
@Module({
  imports: [],
  providers: [TemplatesRepository, TemplatesService, RedisCache],
  exports: [TemplatesService],
})
export class MarketplaceModule {}

/** Controllers of this domain, served by the API app only. */
export const MARKETPLACE_CONTROLLERS = [TemplatesController];
/** Processors of this domain, run where workers run (RUN_MODE=all|worker). */
export const MARKETPLACE_PROCESSORS = [];
