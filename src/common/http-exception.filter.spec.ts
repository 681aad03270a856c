import {
  ArgumentsHost,
  BadRequestException,
  Logger,
  NotFoundException,
  ServiceUnavailableException,
} from '@nestjs/common';
import { AllExceptionsFilter } from './http-exception.filter';
import {
  BudgetExceededError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  ServiceUnavailableError,
  UnprocessableError,
  ValidationFailedError,
} from './domain-errors';

/** A fake Fastify reply that records what the filter sends. */
function replyHost() {
  const sent: { status?: number; headers: Record<string, string>; body?: unknown } = {
    headers: {},
  };
  const reply = {
    status(code: number) {
      sent.status = code;
      return reply;
    },
    header(name: string, value: string) {
      sent.headers[name] = value;
      return reply;
    },
    send(body: unknown) {
      sent.body = body;
      return reply;
    },
  };
  const host = {
    switchToHttp: () => ({
      getResponse: () => reply,
      getRequest: () => ({ id: 'req-1', url: '/x' }),
    }),
  } as unknown as ArgumentsHost;
  return { host, sent };
}

describe('AllExceptionsFilter', () => {
  const filter = new AllExceptionsFilter();
  const body = (err: unknown) => filter.toBody(err);
  const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  beforeEach(() => jest.clearAllMocks());
  afterAll(() => jest.restoreAllMocks());

  it.each([
    [new NotFoundError('VE', 'v1'), 404, 'Not Found', 'VE v1 not found'],
    [new ConflictError('already hired'), 409, 'Conflict', 'already hired'],
    [new ValidationFailedError('bad'), 400, 'Bad Request', 'bad'],
    [new UnprocessableError('cannot'), 422, 'Unprocessable Entity', 'cannot'],
    [new ForbiddenError('no'), 403, 'Forbidden', 'no'],
    [new BudgetExceededError('over budget'), 402, 'Payment Required', 'over budget'],
    [new ServiceUnavailableError('redis down'), 503, 'Service Unavailable', 'redis down'],
  ])('maps %p to %i', (err, statusCode, error, message) => {
    expect(body(err)).toEqual({ statusCode, error, message });
  });

  it('keeps the details of a domain error', () => {
    const details = [{ field: 'name', problems: ['taken'] }];
    expect(body(new ConflictError('taken', details))).toMatchObject({ statusCode: 409, details });
  });

  it("flattens the ValidationPipe's messages and keeps its details", () => {
    const err = new BadRequestException({ message: ['a must be a string', 'b is missing'] });
    expect(body(err)).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: 'a must be a string; b is missing',
      details: ['a must be a string', 'b is missing'],
    });
  });

  it("maps Nest's own HTTP exceptions", () => {
    expect(body(new NotFoundException('Cannot GET /nope'))).toEqual({
      statusCode: 404,
      error: 'Not Found',
      message: 'Cannot GET /nope',
    });
  });

  it("maps Fastify's client errors (bad JSON, body too large) to their 4xx", () => {
    const err = Object.assign(new Error('Body is too large'), {
      statusCode: 413,
      code: 'FST_ERR_CTP_BODY_TOO_LARGE',
    });
    expect(body(err)).toEqual({
      statusCode: 413,
      error: 'Payload Too Large',
      message: 'Body is too large',
    });
  });

  it.each([
    ['22P02', 400], // invalid text representation (a bad uuid)
    ['22001', 400], // value too long
    ['23502', 400], // not null
    ['08006', 503], // connection failure
    ['57P01', 503], // admin shutdown
    ['53300', 503], // too many connections
  ])('maps Postgres error %s to %i', (code, statusCode) => {
    expect(body(Object.assign(new Error('pg says no'), { code })).statusCode).toBe(statusCode);
  });

  it('maps a Postgres outage wrapped by the code that met it (cause) to 503', () => {
    const cause = Object.assign(new Error('terminating connection'), { code: '57P01' });
    expect(body(new Error('could not save', { cause })).statusCode).toBe(503);
  });

  it.each([
    Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' }),
    new Error("Stream isn't writeable and enableOfflineQueue options is false"),
    new Error('timeout exceeded when trying to connect'),
    new Error('Client has encountered a connection error and is not queryable'),
    new Error('Reached the max retries per request limit (which is 1).'),
    new Error('could not enqueue', {
      cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    }),
  ])('maps an unreachable backing service to 503 (%p)', (err) => {
    expect(body(err)).toEqual({
      statusCode: 503,
      error: 'Service Unavailable',
      message: 'A backing service is unavailable, retry later',
    });
  });

  it('answers anything else with a bare 500: no message, no stack', () => {
    const err = new TypeError("Cannot read properties of undefined (reading 'secret')");
    expect(body(err)).toEqual({
      statusCode: 500,
      error: 'Internal Server Error',
      message: 'Internal server error',
    });
    expect(body(undefined)).toMatchObject({ statusCode: 500 });
  });

  it('sends the body with its status, and retry-after on 503 (logged as one warning)', () => {
    const { host, sent } = replyHost();
    filter.catch(new ServiceUnavailableError('db down'), host);
    expect(sent).toEqual({
      status: 503,
      headers: { 'retry-after': '5' },
      body: { statusCode: 503, error: 'Service Unavailable', message: 'db down' },
    });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(error).not.toHaveBeenCalled();
  });

  it('logs a 500 as an error with the exception, and a 4xx not at all', () => {
    filter.catch(new Error('boom'), replyHost().host);
    expect(error).toHaveBeenCalledTimes(1);
    filter.catch(new NotFoundError('VE'), replyHost().host);
    expect(error).toHaveBeenCalledTimes(1);
    expect(warn).not.toHaveBeenCalled();
  });

  it("passes terminus' health report through whole, so probes see which indicator is down", () => {
    const report = {
      status: 'error',
      info: { postgres: { status: 'up' } },
      error: { redis: { status: 'down', message: 'ECONNREFUSED' } },
      details: { postgres: { status: 'up' }, redis: { status: 'down', message: 'ECONNREFUSED' } },
    };
    const { host, sent } = replyHost();
    filter.catch(new ServiceUnavailableException(report), host);
    expect(sent).toEqual({ status: 503, headers: { 'retry-after': '5' }, body: report });
    expect(warn).not.toHaveBeenCalled(); // probes poll: an outage must not log a line per probe
    expect(error).not.toHaveBeenCalled();
  });
});
