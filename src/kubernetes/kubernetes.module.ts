import { Module } from '@nestjs/common';
import { CustomersModule } from '../customers/customers.module';
import { VesModule } from '../ves/ves.module';
import { AgentDeployerService } from './agent-deployer.service';
import { AgentHealthService } from './agent-health.service';
import { AgentStatusService } from './agent-status.service';
import { CustomerManifestsController } from './customer-manifests.controller';
import { CustomerNamespaceService } from './customer-namespace.service';
import { DeploymentsProcessor } from './deployments.processor';
import { KubernetesClient } from './kubernetes-client';
import { KubernetesHealth } from './kubernetes.health';
import { ManifestService } from './manifest.service';
import { VeKubernetesController } from './ve-kubernetes.controller';

@Module({
  imports: [VesModule, CustomersModule],
  providers: [
    KubernetesClient,
    KubernetesHealth,
    ManifestService,
    CustomerNamespaceService,
    AgentStatusService,
    AgentDeployerService,
    AgentHealthService,
  ],
  // Processors (WorkersModule) and controllers (ApiModule) are declared outside this module: they need these.
  exports: [
    KubernetesClient,
    ManifestService,
    CustomerNamespaceService,
    AgentStatusService,
    AgentDeployerService,
    AgentHealthService,
  ],
})
export class KubernetesModule {}

/** Controllers of this domain, served by the API app only. */
export const KUBERNETES_CONTROLLERS = [VeKubernetesController, CustomerManifestsController];
/**
 * Processors of this domain, run where workers run (RUN_MODE=all|worker). The agent-health sweep
 * runs in MonitoringProcessor (src/queue), the one processor of the `monitoring` queue.
 */
export const KUBERNETES_PROCESSORS = [DeploymentsProcessor];
