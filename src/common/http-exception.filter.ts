import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
  ServiceUnavailableException,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import { DomainError } from './domain-errors';

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  details?: unknown[];
}

// Postgres error classes that mean "the database is unavailable", not "the client erred".
const PG_UNAVAILABLE = /^(08|53|57P0)/;
// Postgres errors caused by a value the client sent (bad uuid text, out of range, too long...).
const PG_CLIENT_DATA = new Set(['22P02', '22003', '22001', '22007', '22008', '23502', '23514']);

/** Maps every error to the API.md error shape; never leaks stacks; never 500s for client input. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpError');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const reply = ctx.getResponse<FastifyReply>();
    const request = ctx.getRequest<FastifyRequest>();
    const health = healthCheckResult(exception);
    if (health) {
      // Terminus' report is what probes and operators read: kept whole, and not logged per probe.
      void reply.status(503).header('retry-after', '5').send(health);
      return;
    }
    const body = this.toBody(exception);
    if (body.statusCode === 503) {
      // A dependency is down: expected while it lasts, so one line, without a stack.
      this.logger.warn(
        { reqId: request?.id, url: request?.url, cause: (exception as Error)?.message },
        body.message,
      );
    } else if (body.statusCode >= 500) {
      this.logger.error(
        { err: exception, reqId: request?.id, url: request?.url },
        'request failed',
      );
    }
    if (body.statusCode === 503) reply.header('retry-after', '5');
    void reply.status(body.statusCode).send(body);
  }

  toBody(exception: unknown): ErrorBody {
    if (exception instanceof DomainError) {
      return shape(exception.status, exception.message, exception.details);
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const res = exception.getResponse();
      if (typeof res === 'string') return shape(status, res);
      const r = res as { message?: unknown; details?: unknown[] };
      if (Array.isArray(r.message)) {
        return shape(status, r.message.join('; '), r.details ?? r.message);
      }
      return shape(status, String(r.message ?? exception.message), r.details);
    }
    const err = exception as
      { statusCode?: number; code?: string; message?: string; cause?: unknown } | undefined;
    // Fastify's own client errors (bad JSON, body too large, wrong content type) carry a 4xx statusCode.
    if (
      err &&
      typeof err.statusCode === 'number' &&
      err.statusCode >= 400 &&
      err.statusCode < 500
    ) {
      return shape(err.statusCode, err.message ?? 'Bad request');
    }
    if (err?.code && PG_CLIENT_DATA.has(err.code))
      return shape(400, err.message ?? 'Invalid value');
    // A dependency failing is often wrapped by the code that called it: its causes count too.
    for (let e = err, depth = 0; e && depth < 5; e = causeOf(e), depth++) {
      if (e.code && PG_UNAVAILABLE.test(e.code))
        return shape(503, 'Database unavailable, retry later');
      if (isConnectionError(e)) return shape(503, 'A backing service is unavailable, retry later');
    }
    return shape(HttpStatus.INTERNAL_SERVER_ERROR, 'Internal server error');
  }
}

/** The body of terminus' 503 (`{ status: 'error', info, error, details }`), if that is what was thrown. */
export function healthCheckResult(exception: unknown): Record<string, unknown> | undefined {
  if (!(exception instanceof ServiceUnavailableException)) return undefined;
  const res = exception.getResponse();
  if (typeof res !== 'object' || res === null) return undefined;
  const r = res as Record<string, unknown>;
  return r.status === 'error' && typeof r.details === 'object' ? r : undefined;
}

function isConnectionError(err: { code?: string; message?: string } | undefined): boolean {
  if (!err) return false;
  if (err.code && ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE'].includes(err.code))
    return true;
  const msg = err.message ?? '';
  // "not queryable": a pooled pg client whose connection died between two statements.
  return /Connection terminated|connection is closed|Stream isn't writeable|enableOfflineQueue|timeout exceeded when trying to connect|not queryable|Reached the max retries per request/i.test(
    msg,
  );
}

function causeOf(err: {
  cause?: unknown;
}): { code?: string; message?: string; cause?: unknown } | undefined {
  return typeof err.cause === 'object' && err.cause !== null
    ? (err.cause as { code?: string; message?: string })
    : undefined;
}

function shape(statusCode: number, message: string, details?: unknown[]): ErrorBody {
  const body: ErrorBody = { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message };
  if (details && details.length) body.details = details;
  return body;
}
