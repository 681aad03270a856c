import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { NotFoundError, UnprocessableError } from '../../common/domain-errors';
import { decodeCursor, toPage, type Page } from '../../common/pagination';
import { AppConfig } from '../../config/app-config';
import type {
  CreateWebhookEndpointDto,
  CreatedWebhookEndpointDto,
  WebhookDeliveryDto,
  WebhookEndpointDto,
} from './dto/webhook-endpoint.dto';
import { OutboundFanoutService } from './outbound-fanout.service';
import { assertWebhookUrl, resolvePublicHost, UnsafeUrlError } from './ssrf-guard';
import {
  WebhookEndpointsRepository,
  type DeliveryRow,
  type EndpointRow,
} from './webhook-endpoints.repository';

/** Enough for every integration a customer runs; bounds the fan-out work per event. */
export const MAX_ENDPOINTS_PER_CUSTOMER = 20;

/** Customers' outbound webhook endpoints: a URL, the event types it wants, a signing secret. */
@Injectable()
export class WebhookEndpointsService {
  constructor(
    private readonly repo: WebhookEndpointsRepository,
    private readonly fanout: OutboundFanoutService,
    private readonly config: AppConfig,
  ) {}

  async create(
    customerId: string,
    dto: CreateWebhookEndpointDto,
  ): Promise<CreatedWebhookEndpointDto> {
    try {
      const url = assertWebhookUrl(dto.url);
      await resolvePublicHost(url.hostname, this.config.get('OUTBOUND_WEBHOOKS_ALLOW_PRIVATE'));
    } catch (err) {
      if (err instanceof UnsafeUrlError)
        throw new UnprocessableError(err.message, [{ field: 'url', problems: [err.message] }]);
      throw err;
    }
    if ((await this.repo.countActive(customerId)) >= MAX_ENDPOINTS_PER_CUSTOMER) {
      throw new UnprocessableError(
        `A customer may have at most ${MAX_ENDPOINTS_PER_CUSTOMER} webhook endpoints`,
      );
    }
    // Standard Webhooks secret format: whsec_ + base64 of 24 random bytes.
    const secret = `whsec_${randomBytes(24).toString('base64')}`;
    const row = await this.repo.create({
      customerId,
      url: dto.url,
      events: dto.events,
      secret,
      description: dto.description ?? null,
    });
    this.fanout.invalidate(customerId);
    return { ...toEndpoint(row), secret };
  }

  async list(
    customerId: string,
    limit: number,
    cursor?: string,
  ): Promise<Page<WebhookEndpointDto>> {
    const rows = await this.repo.page(customerId, limit, decodeCursor(cursor));
    return toPage(rows, limit, toEndpoint);
  }

  async get(customerId: string, id: string): Promise<WebhookEndpointDto> {
    const row = await this.repo.get(customerId, id);
    if (!row) throw new NotFoundError('Webhook endpoint', id);
    return toEndpoint(row);
  }

  async remove(customerId: string, id: string): Promise<void> {
    if (!(await this.repo.softDelete(customerId, id)))
      throw new NotFoundError('Webhook endpoint', id);
    this.fanout.invalidate(customerId);
  }

  async deliveries(
    customerId: string,
    endpointId: string,
    limit: number,
    cursor?: string,
  ): Promise<Page<WebhookDeliveryDto>> {
    await this.get(customerId, endpointId);
    const rows = await this.repo.deliveriesPage(
      customerId,
      endpointId,
      limit,
      decodeCursor(cursor),
    );
    return toPage(rows, limit, toDelivery);
  }
}

function toEndpoint(r: EndpointRow): WebhookEndpointDto {
  return {
    id: r.id,
    url: r.url,
    events: r.events,
    description: r.description,
    createdAt: r.created_at.toISOString(),
  };
}

function toDelivery(r: DeliveryRow): WebhookDeliveryDto {
  return {
    id: r.id,
    eventId: r.event_id,
    eventType: r.event_type,
    status: r.status,
    attempts: r.attempts,
    responseStatus: r.response_status,
    error: r.error,
    createdAt: r.created_at.toISOString(),
    deliveredAt: r.delivered_at?.toISOString() ?? null,
  };
}
