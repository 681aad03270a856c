import pino from 'pino';
import { Writable } from 'node:stream';
import { TraceContext } from '../common/trace';
import { traceLogMixin } from './trace-http';

function capture() {
  const raw: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      raw.push(chunk.toString('utf8'));
      done();
    },
  });
  return {
    logger: pino({ mixin: traceLogMixin }, sink),
    raw,
    json: () => raw.map((l) => JSON.parse(l)),
  };
}

describe('traceLogMixin', () => {
  const id = 'c'.repeat(32);

  it('adds the current trace id to logs made in a trace (a processor)', () => {
    const { logger, json } = capture();
    TraceContext.run(id, () => logger.info('inside'));
    logger.info('outside');
    expect(json()[0]).toMatchObject({ msg: 'inside', traceId: id });
    expect(json()[1]).not.toHaveProperty('traceId');
  });

  it('leaves a logger that already binds a trace id (a request logger) alone: one traceId key', () => {
    const { logger, raw, json } = capture();
    TraceContext.run('d'.repeat(32), () => logger.child({ traceId: id }).info('in a request'));
    expect(raw[0]!.match(/"traceId"/g)).toHaveLength(1);
    expect(json()[0]).toMatchObject({ traceId: id });
  });
});
