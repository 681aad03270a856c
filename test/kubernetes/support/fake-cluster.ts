import { FakeKubernetes } from '../../peers/fake-k8s/fake-k8s';
import { fakeTls } from '../../peers/fake-k8s/tls';

export const FAKE_TOKEN = 'fake-sa-token-0123456789';

/** A fake API server over HTTPS with a bearer token, and the env that points the platform at it. */
export async function startFakeCluster(): Promise<{
  fake: FakeKubernetes;
  env: Record<string, string>;
}> {
  const tls = fakeTls();
  const fake = await new FakeKubernetes({
    token: FAKE_TOKEN,
    tls,
    namespaceTerminationMs: 300,
  }).start();
  return {
    fake,
    env: {
      K8S_MODE: 'cluster',
      K8S_API_URL: fake.url,
      K8S_TOKEN: FAKE_TOKEN,
      K8S_CA_FILE: tls.caFile,
      K8S_REQUEST_TIMEOUT_MS: '3000',
      K8S_POLL_INTERVAL_MS: '50',
      K8S_GATEWAY_NAMESPACE: 'agentgateway-system',
    },
  };
}

export const condition = (
  type: string,
  status: 'True' | 'False',
  reason: string,
  message = '',
) => ({
  type,
  status,
  reason,
  message,
  lastTransitionTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
});
