import { ApiException } from '@kubernetes/client-node';
import { KubeApiError } from './kube-api-error';

const notFound = JSON.stringify({
  kind: 'Status',
  status: 'Failure',
  message: 'agents.kagent.dev "toolsmith" not found',
  reason: 'NotFound',
  code: 404,
});

/** Another copy of the client library (another module registry) has another ApiException class. */
class ForeignApiException extends Error {
  constructor(
    readonly code: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(`HTTP-Code: ${code}\nMessage: Unsuccessful HTTP Request\nBody: ${JSON.stringify(body)}`);
  }
}

describe('KubeApiError.from', () => {
  it.each([
    ['the loaded library', new ApiException(404, 'Unsuccessful HTTP Request', notFound, {})],
    ['another copy of the library', new ForeignApiException(404, notFound)],
  ])('reads a 404 from %s as an answer, not an outage', (_, err) => {
    const e = KubeApiError.from(err, 'read Agent ns/toolsmith');
    expect(e).toMatchObject({ code: 404, reason: 'NotFound', unreachable: false, outage: null });
    expect(e.detail).toBe('404 agents.kagent.dev "toolsmith" not found');
  });

  it('takes a 5xx for an outage, with the Status message', () => {
    const e = KubeApiError.from(
      new ForeignApiException(503, { kind: 'Status', message: 'etcd leader changed' }),
      'GET /version',
    );
    expect(e).toMatchObject({ code: 503, unreachable: false, retryable: true });
    expect(e.outage).toBe('Kubernetes API unavailable (503 etcd leader changed)');
  });

  it('takes refused connections and timeouts for an unreachable API server', () => {
    const refused = KubeApiError.from(
      new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } }),
      'read Agent ns/a',
    );
    expect(refused).toMatchObject({ code: null, unreachable: true, retryable: true });
    expect(refused.outage).toBe('Kubernetes API unreachable (ECONNREFUSED)');
    const timeout = KubeApiError.from(
      new DOMException('The operation timed out', 'TimeoutError'),
      'read Agent ns/a',
    );
    expect(timeout).toMatchObject({ unreachable: true, reason: 'Timeout' });
  });

  it('does not take an unrecognised error for an outage (it says nothing about the server)', () => {
    const e = KubeApiError.from(new Error('something else broke'), 'read Agent ns/a');
    expect(e).toMatchObject({ code: null, reason: 'Unknown', unreachable: false, outage: null });
    expect(e.retryable).toBe(true);
  });

  it('does not take an error with a string code (a Node system error) for an HTTP answer', () => {
    const err = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET', body: '' });
    expect(KubeApiError.from(err, 'x').code).toBeNull();
  });
});
