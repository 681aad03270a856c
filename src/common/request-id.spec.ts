import type { IncomingMessage } from 'node:http';
import { requestIdOf } from './request-id';

const req = (headers: Record<string, string> = {}) => ({ headers }) as unknown as IncomingMessage;

describe('requestIdOf', () => {
  it("keeps the caller's x-request-id when it is sane", () => {
    expect(requestIdOf(req({ 'x-request-id': 'edge-42:abc.DEF_1' }))).toBe('edge-42:abc.DEF_1');
  });

  it.each(['', 'has space', 'a'.repeat(129), 'line\nbreak', '<script>'])(
    'replaces %j with a new UUID',
    (given) => {
      expect(requestIdOf(req({ 'x-request-id': given }))).toMatch(/^[0-9a-f-]{36}$/);
    },
  );

  it('computes the id once per request (logger and response header agree)', () => {
    const r = req();
    expect(requestIdOf(r)).toBe(requestIdOf(r));
    expect(requestIdOf(req())).not.toBe(requestIdOf(r));
  });
});
