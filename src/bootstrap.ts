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

/** Loads .env (when present) and validates the environment; exits with every bad key named. */
export function loadEnvOrExit(): EnvSchema {
  try {
    if (existsSync('.env')) process.loadEnvFile('.env');
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
  app.enableShutdownHooks();
  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  fastify.addHook('onRequest', async (req, reply) => {
    void reply.header('x-request-id', req.id);
  });
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
    const given = header.startsWith('Basic ') ? Buffer.from(header.slice(6), 'base64').toString('utf8') : '';
    if (!given || !timingSafeEqual(digest(given), expected)) {
      return reply
        .status(401)
        .header('www-authenticate', 'Basic realm="Bull Board", charset="UTF-8"')
        .send({ statusCode: 401, error: 'Unauthorized', message: 'Bull Board needs basic auth (BULL_BOARD_USER)' });
    }
  });
}

function digest(v: string): Buffer {
  return createHash('sha256').update(v).digest();
}

function setupSwagger(app: NestFastifyApplication): void {
  const doc = new DocumentBuilder()
    .setTitle('VE Platform API')
    .setDescription('Virtual employees: marketplace, tasks over A2A, webhooks, billing. See API.md.')
    .setVersion('1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'vek_ API key or Supabase access token' })
    .addApiKey({ type: 'apiKey', in: 'header', name: 'x-api-key' }, 'operator')
    .build();
  const document = SwaggerModule.createDocument(app, doc);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}

export async function listen(app: NestFastifyApplication, port: number, host: string): Promise<void> {
  await app.listen(port, host);
  new NestLogger('Bootstrap').log(`listening on http://${host}:${port}`);
}
