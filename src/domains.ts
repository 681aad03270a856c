import { BillingModule, BILLING_CONTROLLERS, BILLING_PROCESSORS } from './billing/billing.module';
import {
  CustomersModule,
  CUSTOMERS_CONTROLLERS,
  CUSTOMERS_PROCESSORS,
} from './customers/customers.module';
import { EVENTS_CONTROLLERS } from './events/events.module';
import { GatewayModule, GATEWAY_CONTROLLERS, GATEWAY_PROCESSORS } from './gateway/gateway.module';
import {
  KubernetesModule,
  KUBERNETES_CONTROLLERS,
  KUBERNETES_PROCESSORS,
} from './kubernetes/kubernetes.module';
import {
  MarketplaceModule,
  MARKETPLACE_CONTROLLERS,
  MARKETPLACE_PROCESSORS,
} from './marketplace/marketplace.module';
import {
  MessagesModule,
  MESSAGES_CONTROLLERS,
  MESSAGES_PROCESSORS,
} from './messages/messages.module';
import {
  OrchestratorModule,
  ORCHESTRATOR_CONTROLLERS,
  ORCHESTRATOR_PROCESSORS,
} from './orchestrator/orchestrator.module';
import { MonitoringProcessor } from './queue/monitoring.processor';
import {
  OrgChartModule,
  ORG_CHART_CONTROLLERS,
  ORG_CHART_PROCESSORS,
} from './org-chart/org-chart.module';
import { TasksModule, TASKS_CONTROLLERS, TASKS_PROCESSORS } from './tasks/tasks.module';
import { VesModule, VES_CONTROLLERS, VES_PROCESSORS } from './ves/ves.module';
import {
  WebhooksModule,
  WEBHOOKS_CONTROLLERS,
  WEBHOOKS_PROCESSORS,
} from './webhooks/webhooks.module';

/** The domain modules: services and repositories, shared by the API and the workers. */
export const DOMAIN_MODULES = [
  CustomersModule,
  MarketplaceModule,
  VesModule,
  OrgChartModule,
  GatewayModule,
  OrchestratorModule,
  TasksModule,
  MessagesModule,
  WebhooksModule,
  BillingModule,
  KubernetesModule,
];

export const DOMAIN_CONTROLLERS = [
  ...CUSTOMERS_CONTROLLERS,
  ...MARKETPLACE_CONTROLLERS,
  ...VES_CONTROLLERS,
  ...ORG_CHART_CONTROLLERS,
  ...GATEWAY_CONTROLLERS,
  ...ORCHESTRATOR_CONTROLLERS,
  ...TASKS_CONTROLLERS,
  ...MESSAGES_CONTROLLERS,
  ...WEBHOOKS_CONTROLLERS,
  ...BILLING_CONTROLLERS,
  ...KUBERNETES_CONTROLLERS,
  ...EVENTS_CONTROLLERS,
];

export const DOMAIN_PROCESSORS = [
  ...CUSTOMERS_PROCESSORS,
  ...MARKETPLACE_PROCESSORS,
  ...VES_PROCESSORS,
  ...ORG_CHART_PROCESSORS,
  ...GATEWAY_PROCESSORS,
  ...ORCHESTRATOR_PROCESSORS,
  ...TASKS_PROCESSORS,
  ...MESSAGES_PROCESSORS,
  ...WEBHOOKS_PROCESSORS,
  ...BILLING_PROCESSORS,
  ...KUBERNETES_PROCESSORS,
  // The `monitoring` queue's one processor: the task reconciler and the agent-health sweep.
  MonitoringProcessor,
];
