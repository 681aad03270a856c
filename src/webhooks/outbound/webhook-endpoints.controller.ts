import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
} from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Allow, ApiTenant, CustomerId } from '../../auth/auth.decorators';
import { PageQueryDto } from '../../common/pagination';
import {
  CreateWebhookEndpointDto,
  CreatedWebhookEndpointDto,
  WebhookDeliveryPageDto,
  WebhookEndpointDto,
  WebhookEndpointPageDto,
} from './dto/webhook-endpoint.dto';
import { WebhookEndpointsService } from './webhook-endpoints.service';

/** Customers' outbound webhooks: where the platform POSTs their task and message events. */
@ApiTags('webhook-endpoints')
@ApiTenant()
@Controller('api/webhook-endpoints')
export class WebhookEndpointsController {
  constructor(private readonly endpoints: WebhookEndpointsService) {}

  @Post()
  @Allow('operator', 'apiKey', 'owner', 'admin')
  @ApiOperation({ summary: 'Register an endpoint; the signing secret is in this answer only' })
  @ApiResponse({ status: 201, type: CreatedWebhookEndpointDto })
  @ApiResponse({
    status: 422,
    description: 'The URL is unsafe (private/loopback address) or does not resolve',
  })
  create(
    @CustomerId() customerId: string,
    @Body() dto: CreateWebhookEndpointDto,
  ): Promise<CreatedWebhookEndpointDto> {
    return this.endpoints.create(customerId, dto);
  }

  @Get()
  @ApiResponse({ status: 200, type: WebhookEndpointPageDto })
  list(@CustomerId() customerId: string, @Query() q: PageQueryDto) {
    return this.endpoints.list(customerId, q.limit, q.cursor);
  }

  @Get(':id')
  @ApiResponse({ status: 200, type: WebhookEndpointDto })
  get(
    @CustomerId() customerId: string,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<WebhookEndpointDto> {
    return this.endpoints.get(customerId, id);
  }

  @Delete(':id')
  @HttpCode(204)
  @Allow('operator', 'apiKey', 'owner', 'admin')
  async remove(
    @CustomerId() customerId: string,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<void> {
    await this.endpoints.remove(customerId, id);
  }

  @Get(':id/deliveries')
  @ApiOperation({ summary: 'The delivery log of an endpoint, newest first' })
  @ApiResponse({ status: 200, type: WebhookDeliveryPageDto })
  deliveries(
    @CustomerId() customerId: string,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() q: PageQueryDto,
  ) {
    return this.endpoints.deliveries(customerId, id, q.limit, q.cursor);
  }
}
