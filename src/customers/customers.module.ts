import { Module } from '@nestjs/common';
import { CustomersService } from './customers.service';

@Module({
  imports: [],
  providers: [CustomersService],
  exports: [CustomersService],
})
export class CustomersModule {}

/** Controllers of this domain, served by the API app only. */
export const CUSTOMERS_CONTROLLERS = [];
/** Processors of this domain, run where workers run (RUN_MODE=all|worker). */
export const CUSTOMERS_PROCESSORS = [];
