import type { CustomersService } from '../customers/customers.service';
import type { Ve } from '../ves/ves.types';
import type { VesService } from '../ves/ves.service';
import { AgentHealthService } from './agent-health.service';
import type { AgentStatusService } from './agent-status.service';
import type { KubernetesClient } from './kubernetes-client';

/** An ApiException as another copy of the client library throws it (not instanceof ours). */
class ApiException extends Error {
  readonly headers = {};
  constructor(
    readonly code: number,
    readonly body: string,
  ) {
    super(`HTTP-Code: ${code}\nMessage: Unsuccessful HTTP Request\nBody: ${body}`);
  }
}

const failedVe = {
  id: 've-1',
  customerId: 'c-1',
  namespace: 'customer-acme',
  agentName: 'toolsmith',
  agentUrl: null,
  status: 'failed',
  statusReason: 'deployment failed: a kagent Agent takes at most 20 tool servers, got 21',
} as Ve;

function sweepWith(refreshError: unknown) {
  const setStatus = jest.fn().mockResolvedValue(true);
  const service = new AgentHealthService(
    { mode: 'cluster', api: { serverVersion: async () => 'v1.33.0' } } as KubernetesClient,
    {
      listAllForMonitoring: jest.fn().mockResolvedValueOnce([failedVe]).mockResolvedValue([]),
      setStatus,
    } as unknown as VesService,
    { refresh: jest.fn().mockRejectedValue(refreshError) } as unknown as AgentStatusService,
    { get: async () => ({ status: 'active' }) } as unknown as CustomersService,
  );
  return { sweep: () => service.sweep(), setStatus };
}

describe('AgentHealthService.sweep', () => {
  it.each([
    ['a 404 (an answer from a reachable server)', new ApiException(404, '{"reason":"NotFound"}')],
    ['a 403', new ApiException(403, '{"reason":"Forbidden"}')],
    ['an unrecognised error', new Error('something else broke')],
  ])('keeps a failed VE and its reason on %s', async (_, err) => {
    const { sweep, setStatus } = sweepWith(err);
    const result = await sweep();
    expect(setStatus).not.toHaveBeenCalled();
    expect(result).toMatchObject({ checked: 1, changed: 0, unreachable: null });
    expect(result.counts.failed).toBe(1);
  });

  it.each([
    [
      'a refused connection',
      new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } }),
      'Kubernetes API unreachable (ECONNREFUSED); last known status kept',
    ],
    [
      'a 503',
      new ApiException(503, '{"message":"etcd leader changed"}'),
      'Kubernetes API unavailable (503 etcd leader changed); last known status kept',
    ],
  ])('keeps the status but says why on %s', async (_, err, reason) => {
    const { sweep, setStatus } = sweepWith(err);
    await sweep();
    expect(setStatus).toHaveBeenCalledWith('c-1', 've-1', { status: 'failed', reason });
  });
});
