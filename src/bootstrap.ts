import { Logger as NestLogger, NestApplicationOptions, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { FastifyInstance } from 'fastify';
import { Logger } from 'nestjs-pino';
import { createHash, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { AppConfig } from './config/app-config';
import { EnvSchema, validateEnv } from './config/env.schema';
import { AllExceptionsFilter } from './common/http-exception.filter';
import { requestIdOf } from './common/request-id';
import { createValidationPipe } from './common/validation';
import { registerTraceHooks } from './telemetry/trace-http';

/**
 * Loads .env (when present; the real environment wins) and validates the environment; exits with
 * every bad key named. `fixed` values (the worker entry's RUN_MODE) win over both.
 */
export function loadEnvOrExit(fixed: Record<string, string> = {}): EnvSchema {
  try {
    if (existsSync('.env')) process.loadEnvFile('.env');
    Object.assign(process.env, fixed);
    return validateEnv(process.env);
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
}

export async function createHttpApp(
  module: Type<unknown>,
  opts: { swagger: boolean; bullBoard: boolean },
  nestOptions: NestApplicationOptions = {},
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: 1_048_576,
    trustProxy: true,
    genReqId: (req: IncomingMessage) => requestIdOf(req),
    // Fastify's own options, not Nest's: HTTP keeps serving while shutdown hooks run, then on close
    // idle keep-alive sockets are dropped, in-flight requests finish, late ones on open sockets get 503.
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  });
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, {
    rawBody: true,
    bufferLogs: true,
    ...nestOptions,
  });
  app.useLogger(app.get(Logger));
  app.useGlobalFilters(new AllExceptionsFilter());
  app.useGlobalPipes(createValidationPipe());
  // process.exit(0) after the hooks ran: a clean SIGTERM exits 0 instead of re-raising the signal (143).
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  fastify.addHook('onRequest', async (req, reply) => {
    void reply.header('x-request-id', req.id);
  });
  registerTraceHooks(fastify);
  closeConnectionsAfterResponseWhenClosing(fastify);
  const config = app.get(AppConfig);
  if (opts.bullBoard) protectBullBoard(fastify, config);
  if (opts.swagger) setupSwagger(app);
  return app;
}

function protectBullBoard(fastify: FastifyInstance, config: AppConfig): void {
  const expected = digest(`${config.get('BULL_BOARD_USER')}:${config.get('BULL_BOARD_PASSWORD')}`);
  fastify.addHook('onRequest', async (req, reply) => {
    if (!req.url.startsWith('/admin/queues')) return;
    const header = req.headers.authorization ?? '';
    const given = header.startsWith('Basic ')
      ? Buffer.from(header.slice(6), 'base64').toString('utf8')
      : '';
    if (!given || !timingSafeEqual(digest(given), expected)) {
      return reply
        .status(401)
        .header('www-authenticate', 'Basic realm="Bull Board", charset="UTF-8"')
        .send({
          statusCode: 401,
          error: 'Unauthorized',
          message: 'Bull Board needs basic auth (BULL_BOARD_USER)',
        });
    }
  });
}

/**
 * A request in flight when the server closes gets its answer with `Connection: close`: otherwise
 * its keep-alive socket would hold the close open until the 72 s keep-alive timeout runs out.
 */
function closeConnectionsAfterResponseWhenClosing(fastify: FastifyInstance): void {
  let closing = false;
  fastify.addHook('preClose', async () => {
    closing = true;
  });
  fastify.addHook('onSend', async (req, reply, payload) => {
    if (closing && req.raw.httpVersionMajor === 1) void reply.header('connection', 'close');
    return payload;
  });
}

function digest(v: string): Buffer {
  return createHash('sha256').update(v).digest();
}

function setupSwagger(app: NestFastifyApplication): void {
  const doc = new DocumentBuilder()
    .setTitle('VE Platform API')
    .setDescription(
      'Virtual employees: marketplace, tasks over A2A, webhooks, billing. See API.md.',
    )
    .setVersion('1.0')
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      description: 'vek_ API key or Supabase access token',
    })
    .addApiKey({ type: 'apiKey', in: 'header', name: 'x-api-key' }, 'operator')
    .build();
  // Built on the first request for it, not at start-up: the document (every route's schemas)
  // would otherwise stay in memory in every replica that nobody asks for docs.
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, doc), {
    jsonDocumentUrl: 'docs-json',
  });
}

export async function listen(
  app: NestFastifyApplication,
  port: number,
  host: string,
): Promise<void> {
  await app.listen(port, host);
  armShutdownDeadline(app.get(AppConfig).get('SHUTDOWN_GRACE_MS'));
  new NestLogger('Bootstrap').log(`listening on http://${host}:${port}`);
}

/**
 * A stuck drain (a job that never ends, a stream left open) must not outlive Kubernetes'
 * grace period silently: after SHUTDOWN_GRACE_MS the process exits 1 and says why.
 */
function armShutdownDeadline(graceMs: number): void {
  const arm = (signal: NodeJS.Signals) => {
    setTimeout(() => {
      console.error(`shutdown did not finish within ${graceMs} ms of ${signal}; exiting`);
      process.exit(1);
    }, graceMs).unref();
  };
  process.once('SIGTERM', arm);
  process.once('SIGINT', arm);
}
