import { Module } from '@nestjs/common';
import { BillingModule } from '../billing/billing.module';
import { CustomersModule } from '../customers/customers.module';
import { MessagesModule } from '../messages/messages.module';
import { TasksModule } from '../tasks/tasks.module';
import { VesModule } from '../ves/ves.module';
import { A2aContentTypeRegistrar } from './a2a/a2a-content-type';
import { A2aPushApplier } from './a2a/a2a-push.applier';
import { CallbackOwnership } from './callback-ownership';
import { OutboundDeliveryService } from './outbound/outbound-delivery.service';
import { OutboundFanoutService } from './outbound/outbound-fanout.service';
import { OutboundWebhookProcessor } from './outbound/outbound-webhook.processor';
import { WebhookEndpointsController } from './outbound/webhook-endpoints.controller';
import { WebhookEndpointsRepository } from './outbound/webhook-endpoints.repository';
import { WebhookEndpointsService } from './outbound/webhook-endpoints.service';
import { WebhookApplier } from './webhook-applier.service';
import { WebhookEventsRepository } from './webhook-events.repository';
import { WebhookIdempotency } from './webhook-idempotency';
import { WebhookIntakeService } from './webhook-intake.service';
import { WebhookRateLimitTracker } from './webhook-rate-limit.tracker';
import { WebhookSignatureVerifier } from './webhook-signature.verifier';
import { WebhookSweeper } from './webhook-sweeper.service';
import { WebhookProcessor } from './webhook.processor';
import { WebhooksController } from './webhooks.controller';

@Module({
  imports: [TasksModule, MessagesModule, VesModule, BillingModule, CustomersModule],
  providers: [
    WebhookSignatureVerifier,
    WebhookRateLimitTracker,
    WebhookIdempotency,
    WebhookEventsRepository,
    CallbackOwnership,
    WebhookIntakeService,
    WebhookApplier,
    A2aPushApplier,
    A2aContentTypeRegistrar,
    WebhookSweeper,
    WebhookEndpointsRepository,
    WebhookEndpointsService,
    OutboundFanoutService,
    OutboundDeliveryService,
  ],
  // What the API app's controllers and the workers' processors (declared outside this module) need.
  exports: [
    WebhookIntakeService,
    WebhookEndpointsService,
    WebhookApplier,
    WebhookSweeper,
    OutboundDeliveryService,
  ],
})
export class WebhooksModule {}

/** Controllers of this domain, served by the API app only. */
export const WEBHOOKS_CONTROLLERS = [WebhooksController, WebhookEndpointsController];
/** Processors of this domain, run where workers run (RUN_MODE=all|worker). */
export const WEBHOOKS_PROCESSORS = [WebhookProcessor, OutboundWebhookProcessor];
