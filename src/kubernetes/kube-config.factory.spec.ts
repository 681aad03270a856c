import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppConfig } from '../config/app-config';
import { buildKubeConfig } from './kube-config.factory';

const config = (env: Record<string, unknown>) =>
  ({
    get: (key: string) => env[key] ?? (key === 'K8S_INSECURE_SKIP_TLS_VERIFY' ? false : undefined),
  }) as unknown as AppConfig;

describe('buildKubeConfig', () => {
  it('uses K8S_API_URL with the token and CA bundle when given', () => {
    const kc = buildKubeConfig(
      config({
        K8S_API_URL: 'https://k8s.example:6443/',
        K8S_TOKEN: 'tok',
        K8S_CA_FILE: '/ca.pem',
      }),
    );
    expect(kc.getCurrentCluster()).toMatchObject({
      server: 'https://k8s.example:6443',
      caFile: '/ca.pem',
      skipTLSVerify: false,
    });
    expect(kc.getCurrentUser()).toMatchObject({ token: 'tok' });
  });

  it('reads KUBECONFIG when no URL is given', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubeconfig-'));
    const file = join(dir, 'config');
    writeFileSync(
      file,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters: [{ name: c, cluster: { server: "https://from-file:6443" } }]',
        'users: [{ name: u, user: { token: file-token } }]',
        'contexts: [{ name: x, context: { cluster: c, user: u } }]',
        'current-context: x',
      ].join('\n'),
    );
    const kc = buildKubeConfig(config({ KUBECONFIG: file }));
    expect(kc.getCurrentCluster()?.server).toBe('https://from-file:6443');
  });

  it('refuses cluster mode with nothing configured', () => {
    expect(() => buildKubeConfig(config({}))).toThrow(/K8S_API_URL, KUBECONFIG/);
  });
});
