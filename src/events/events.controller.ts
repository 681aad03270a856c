import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { OutgoingHttpHeaders } from 'node:http';
import { ApiTenant, CustomerId } from '../auth/auth.decorators';
import { DOMAIN_EVENTS } from './domain-events';
import { EventsQueryDto } from './dto/events-query.dto';
import { LiveEventsService } from './live-events.service';

/**
 * GET /api/events as Server-Sent Events. The reply is hijacked and written raw (rather than
 * @Sse + Observable) so the subscription and the Last-Event-ID history are ready before the
 * 200 goes out — a failure is still an HTTP error — and heartbeats are plain comment lines.
 */
@ApiTags('events')
@ApiTenant()
@Controller('api/events')
export class EventsController {
  constructor(private readonly live: LiveEventsService) {}

  @Get()
  @ApiOperation({
    summary: "The caller's customer's domain events, live (Server-Sent Events)",
    description:
      `Event types: ${DOMAIN_EVENTS.join(', ')}. Each frame: \`id:\` (resume point), \`event:\` (type), ` +
      '`data:` JSON {type, customerId, taskId?, veId?, messageId?, data?, at}. Comment lines are heartbeats. ' +
      'Reconnect with Last-Event-ID (or ?lastEventId=) to receive what was missed (the last ~1000 events).',
  })
  @ApiProduces('text/event-stream')
  @ApiHeader({ name: 'last-event-id', required: false })
  @ApiOkResponse({ description: 'An endless text/event-stream' })
  async stream(
    @CustomerId() customerId: string,
    @Headers('last-event-id') lastEventIdHeader: string | undefined,
    @Query() query: EventsQueryDto,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const lastEventId = this.live.checkLastEventId(lastEventIdHeader ?? query.lastEventId);
    const stream = await this.live.prepare(customerId, lastEventId);
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      ...(reply.getHeaders() as OutgoingHttpHeaders),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // Reverse proxies (nginx) must pass frames through, not buffer them.
      'x-accel-buffering': 'no',
    });
    res.flushHeaders();
    stream.start(res);
  }
}
