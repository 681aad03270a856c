import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AsyncResource } from 'node:async_hooks';
import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import { symbols } from 'pino';
import { TraceContext, traceIdOf } from '../common/trace';

const RESOURCE = Symbol('traceResource');
type Traced = FastifyRequest & { [RESOURCE]?: AsyncResource };

/**
 * Opens the request's TraceContext at the HTTP edge. Fastify reads the body in the socket's
 * async context, which drops AsyncLocalStorage; an AsyncResource captured in onRequest restores
 * it before validation (the technique of @fastify/request-context), so guards, handlers and
 * services all see TraceContext.current(). The id is echoed as `x-trace-id`.
 */
export function registerTraceHooks(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (req, reply, done) => {
    const traceId = traceIdOf(req.raw);
    void reply.header('x-trace-id', traceId);
    TraceContext.run(traceId, () => {
      (req as Traced)[RESOURCE] = new AsyncResource('ve-trace');
      done();
    });
  });
  fastify.addHook('preValidation', (req, _reply, done) => {
    const resource = (req as Traced)[RESOURCE];
    if (resource) resource.runInAsyncScope(done, req.raw);
    else done();
  });
}

/** pino-http customProps: binds the trace id to every log of a request. */
export function traceLogProps(req: IncomingMessage): { traceId: string } {
  return { traceId: traceIdOf(req) };
}

/**
 * pino mixin: adds the current trace id to logs made outside a request logger (processors,
 * event listeners), unless the logger already binds one (request loggers do, via customProps).
 */
export function traceLogMixin(_obj: object, _level: number, logger: Logger): object {
  const traceId = TraceContext.current();
  if (!traceId) return {};
  const bindings = (logger as unknown as Record<symbol, string | undefined>)[symbols.chindingsSym];
  return bindings?.includes('"traceId"') ? {} : { traceId };
}
