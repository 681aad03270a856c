import { A2A_VERSION_HEADER, formatSSEErrorEvent, formatSSEEvent, SSE_HEADERS } from '@a2a-js/sdk';
import { LegacyJsonRpcTransportHandler } from '@a2a-js/sdk/compat/v0_3/server';
import {
  defaultServerCallContextBuilder,
  JsonRpcTransportHandler,
  validateVersion,
  type User,
} from '@a2a-js/sdk/server';
import { Controller, Get, Logger, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../../auth/auth.decorators';
import { AgentJwtService } from '../agent-jwt.service';
import { SANDBOX_PREFIX } from '../agent-url';
import { SandboxAgents } from './sandbox-agents';

/** The caller the sandbox trusts: whoever holds a platform JWT for this agent; tasks are scoped to its customer. */
class PlatformCaller implements User {
  constructor(private readonly customerId: string) {}
  get isAuthenticated() {
    return true;
  }
  get userName() {
    return this.customerId;
  }
}

const INTERNAL_ERROR = -32603;

/**
 * Serves the sandbox agents over real A2A JSON-RPC with the SDK's transport handlers:
 * A2A-Version 1.0 (SendMessage, GetTask, CancelTask...) or 0.3 / no header (message/send,
 * tasks/get, tasks/cancel...), streaming over SSE. Calls need the platform's JWT (aud = agent).
 */
@ApiExcludeController()
@Public()
@Controller(SANDBOX_PREFIX)
export class SandboxAgentController {
  private readonly logger = new Logger('SandboxAgent');

  constructor(
    private readonly agents: SandboxAgents,
    private readonly jwt: AgentJwtService,
  ) {}

  @Get([
    ':namespace/:agent/.well-known/agent-card.json',
    ':namespace/:agent/.well-known/agent.json',
  ])
  card(@Param('namespace') namespace: string, @Param('agent') agent: string) {
    return this.agents.get(namespace, agent).card;
  }

  // The card advertises this path without the trailing slash (Nest routes ignore it).
  @Post(':namespace/:agent')
  async rpc(
    @Param('namespace') namespace: string,
    @Param('agent') agentName: string,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const body = req.body as Record<string, unknown> | undefined;
    const id = (body?.id as string | number | undefined) ?? null;
    const header = req.headers[A2A_VERSION_HEADER.toLowerCase()];
    const requested = (Array.isArray(header) ? header[0] : header) || undefined;
    const legacy = !requested || requested.startsWith('0.');
    const mapError = legacy
      ? LegacyJsonRpcTransportHandler.mapToLegacyJSONRPCError
      : JsonRpcTransportHandler.mapToJSONRPCError;

    const caller = await this.authenticate(req, agentName);
    if (!caller) {
      await reply.status(401).send({
        jsonrpc: '2.0',
        id,
        error: { code: INTERNAL_ERROR, message: 'a platform JWT for this agent is required' },
      });
      return;
    }
    try {
      const agent = this.agents.get(namespace, agentName);
      const context = defaultServerCallContextBuilder({
        extensions: undefined,
        user: caller,
        headers: req.headers,
        requestedVersion: requested,
      });
      validateVersion(context.requestedVersion, agent.card, 'JSONRPC');
      const result = await (legacy ? agent.legacy : agent.v1).handle(body ?? {}, context);
      if (result && typeof (result as AsyncGenerator)[Symbol.asyncIterator] === 'function') {
        await this.stream(reply, result as AsyncGenerator<unknown>, id, mapError);
        return;
      }
      await reply.status(200).header('content-type', 'application/json').send(result);
    } catch (err) {
      const error = mapError(err);
      if (error.code === INTERNAL_ERROR)
        this.logger.error(`sandbox ${agentName}: ${(err as Error).message}`);
      await reply
        .status(error.code === INTERNAL_ERROR ? 500 : 200)
        .send({ jsonrpc: '2.0', id, error });
    }
  }

  private async authenticate(req: FastifyRequest, agentName: string): Promise<User | undefined> {
    const auth = req.headers.authorization;
    if (!auth?.startsWith('Bearer ')) return undefined;
    try {
      const claims = await this.jwt.verify(auth.slice(7), agentName);
      return typeof claims.customer_id === 'string'
        ? new PlatformCaller(claims.customer_id)
        : undefined;
    } catch {
      return undefined;
    }
  }

  private async stream(
    reply: FastifyReply,
    events: AsyncGenerator<unknown>,
    id: string | number | null,
    mapError: (err: unknown) => unknown,
  ) {
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, SSE_HEADERS);
    try {
      for await (const event of events) raw.write(formatSSEEvent(event));
    } catch (err) {
      raw.write(formatSSEErrorEvent({ jsonrpc: '2.0', id, error: mapError(err) }));
    } finally {
      raw.end();
    }
  }
}
