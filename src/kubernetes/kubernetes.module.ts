import { Module } from '@nestjs/common';
import { VesModule } from '../ves/ves.module';
import { CustomersModule } from '../customers/customers.module';

@Module({
  imports: [VesModule, CustomersModule],
  providers: [],
  exports: [],
})
export class KubernetesModule {}

/** Controllers of this domain, served by the API app only. */
export const KUBERNETES_CONTROLLERS = [];
/** Processors of this domain, run where workers run (RUN_MODE=all|worker). */
export const KUBERNETES_PROCESSORS = [];
