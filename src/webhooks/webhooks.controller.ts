import {
  applyDecorators,
  Controller,
  Get,
  HttpCode,
  Post,
  Req,
  Res,
  type RawBodyRequest,
} from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../auth/auth.decorators';
import { RateLimitGroup } from '../common/throttling/rate-limit.decorators';
import { traceIdFromHeaders } from '../common/trace';
import {
  AgentCallbackDto,
  TokenUsageDto,
  WebhookAcceptedDto,
  WebhookDuplicateDto,
} from './dto/agent-callback.dto';
import { WebhookIntakeService, type InboundRequest } from './webhook-intake.service';
import { WebhookRateLimitTracker } from './webhook-rate-limit.tracker';

const SIGNED = [
  ApiHeader({
    name: 'webhook-id',
    required: true,
    description: 'Unique per event; the idempotency key',
  }),
  ApiHeader({ name: 'webhook-timestamp', required: true, description: 'Unix seconds; ±5 minutes' }),
  ApiHeader({
    name: 'webhook-signature',
    required: true,
    description: 'v1,<base64 HMAC-SHA256 of id.timestamp.body>',
  }),
];
const ANSWERS = [
  ApiResponse({
    status: 202,
    type: WebhookAcceptedDto,
    description: 'Accepted; applied asynchronously',
  }),
  ApiResponse({
    status: 200,
    type: WebhookDuplicateDto,
    description: 'This webhook-id was seen before: no effect',
  }),
  ApiResponse({
    status: 401,
    description: 'Missing, malformed, stale or wrong signature (details[0].reason names which)',
  }),
];

/** Agent webhooks: the Standard Webhooks signature (or the A2A push token) is the credential. */
@ApiTags('webhooks')
@Public()
@RateLimitGroup('webhooks', WebhookRateLimitTracker)
@Controller('api/webhooks')
export class WebhooksController {
  constructor(private readonly intake: WebhookIntakeService) {}

  @Post('agent-callback')
  @ApiOperation({
    summary: 'An agent reports a task update, message, status, delegation, error or token usage',
  })
  @ApiBody({ type: AgentCallbackDto })
  @applyDecorators(...SIGNED, ...ANSWERS)
  async agentCallback(
    @Req() req: RawBodyRequest<FastifyRequest>,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const result = await this.intake.acceptCallback(inbound(req), 'agent-callback');
    void reply.status(result.status);
    return result.body;
  }

  @Post('token-usage')
  @ApiOperation({ summary: 'An agent reports tokens spent' })
  @ApiBody({ type: TokenUsageDto })
  @applyDecorators(...SIGNED, ...ANSWERS)
  async tokenUsage(
    @Req() req: RawBodyRequest<FastifyRequest>,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const result = await this.intake.acceptCallback(inbound(req), 'token-usage');
    void reply.status(result.status);
    return result.body;
  }

  @Post('a2a')
  @ApiOperation({
    summary: 'A2A push notifications about long-running tasks',
    description:
      'A2A 0.3 (the Task JSON, X-A2A-Notification-Token) or 1.0 (application/a2a+json StreamResponse, Authorization from the push config). ' +
      'The token is the one the platform registered for the task.',
  })
  @ApiHeader({ name: 'x-a2a-notification-token', required: false })
  @applyDecorators(...ANSWERS)
  async a2aPush(
    @Req() req: RawBodyRequest<FastifyRequest>,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const result = await this.intake.acceptA2aPush(inbound(req));
    void reply.status(result.status);
    return result.body;
  }

  @Get('health')
  @HttpCode(200)
  @ApiOperation({ summary: 'Webhook receiver liveness (for agents and the original guide)' })
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }
}

function inbound(req: RawBodyRequest<FastifyRequest>): InboundRequest {
  return {
    rawBody: req.rawBody,
    body: req.body,
    headers: req.headers,
    traceId: traceIdFromHeaders(req.headers),
  };
}
