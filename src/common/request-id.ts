import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const VALID = /^[A-Za-z0-9._:-]{1,128}$/;
const KEY = Symbol('requestId');

/** The request id: the caller's x-request-id when it is sane, else a new UUID; computed once per request. */
export function requestIdOf(req: IncomingMessage): string {
  const holder = req as IncomingMessage & { [KEY]?: string };
  if (holder[KEY]) return holder[KEY];
  const given = req.headers['x-request-id'];
  const value = typeof given === 'string' && VALID.test(given) ? given : randomUUID();
  holder[KEY] = value;
  return value;
}
