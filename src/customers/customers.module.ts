import { Module } from '@nestjs/common';
import { ApiKeysController } from './api-keys.controller';
import { ApiKeysRepository } from './api-keys.repository';
import { ApiKeysService } from './api-keys.service';
import { CustomersController } from './customers.controller';
import { CustomersRepository } from './customers.repository';
import { CustomersService } from './customers.service';
import { MembersController } from './members.controller';
import { MembersRepository } from './members.repository';
import { MembersService } from './members.service';
import { NamespaceJobs } from './namespace-jobs';

@Module({
  imports: [],
  providers: [
    CustomersRepository,
    CustomersService,
    NamespaceJobs,
    MembersRepository,
    MembersService,
    ApiKeysRepository,
    ApiKeysService,
  ],
  exports: [CustomersService, MembersService, ApiKeysService],
})
export class CustomersModule {}

/** Controllers of this domain, served by the API app only. */
export const CUSTOMERS_CONTROLLERS = [CustomersController, MembersController, ApiKeysController];
/** Processors of this domain, run where workers run (RUN_MODE=all|worker). */
export const CUSTOMERS_PROCESSORS = [];
