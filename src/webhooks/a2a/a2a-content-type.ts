import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';

export const A2A_CONTENT_TYPE = 'application/a2a+json';

interface BodyParserHost {
  useBodyParser?: (
    type: string,
    rawBody: boolean,
    options?: object,
    parser?: (
      req: unknown,
      body: Buffer,
      done: (err: Error | null, body?: unknown) => void,
    ) => void,
  ) => void;
  getInstance(): FastifyInstance;
}

/**
 * A2A 1.0 push notifications arrive as `application/a2a+json`, which Fastify would answer 415.
 * Registers it like application/json (raw body kept, Fastify's poisoning-safe JSON parser).
 */
@Injectable()
export class A2aContentTypeRegistrar implements OnModuleInit {
  constructor(private readonly host: HttpAdapterHost) {}

  onModuleInit(): void {
    const adapter = this.host.httpAdapter as unknown as BodyParserHost | undefined;
    if (!adapter?.useBodyParser) return;
    const fastify = adapter.getInstance();
    if (fastify.hasContentTypeParser(A2A_CONTENT_TYPE)) return;
    const json = fastify.getDefaultJsonParser('error', 'error');
    adapter.useBodyParser(
      A2A_CONTENT_TYPE,
      true,
      { bodyLimit: fastify.initialConfig.bodyLimit },
      (req, body, done) => json(req as never, body.toString('utf8'), done),
    );
  }
}
