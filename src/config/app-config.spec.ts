import { ConfigService } from '@nestjs/config';
import { AppConfig } from './app-config';
import { EnvSchema, validateEnv } from './env.schema';

const configOf = (raw: Record<string, string>) =>
  new AppConfig(new ConfigService<EnvSchema, true>({ ...validateEnv(raw) }));

describe('AppConfig', () => {
  it('reads validated, typed values', () => {
    const config = configOf({ PORT: '4000' });
    expect(config.get('PORT')).toBe(4000);
    expect(config.isProduction).toBe(false);
  });

  it.each([
    ['all', true, true],
    ['api', false, true],
    ['worker', true, false],
  ])('RUN_MODE=%s: runs processors %s, serves the API %s', (mode, processors, api) => {
    const config = configOf({ RUN_MODE: mode, DATABASE_URL: 'postgres://x@h/db' });
    expect(config.runsProcessors).toBe(processors);
    expect(config.servesHttpApi).toBe(api);
  });

  describe('k8sMode', () => {
    it('is dry-run when no cluster is configured', () => {
      expect(configOf({}).k8sMode).toBe('dry-run');
    });
    it.each([
      [{ K8S_API_URL: 'https://k8s.local:6443' }],
      [{ KUBECONFIG: '/etc/kube/config' }],
      [{ KUBERNETES_SERVICE_HOST: '10.0.0.1' }],
    ])('is cluster when a cluster is configured (%j)', (env) => {
      expect(configOf(env).k8sMode).toBe('cluster');
    });
    it('follows an explicit K8S_MODE', () => {
      expect(configOf({ K8S_MODE: 'off', K8S_API_URL: 'https://k8s.local' }).k8sMode).toBe('off');
    });
  });

  it('splits WEBHOOK_SECRET into the secrets of a rotation', () => {
    const config = configOf({ WEBHOOK_SECRET: 'whsec_YWJj, whsec_ZGVm whsec_Z2hp' });
    expect(config.webhookSecrets).toEqual(['whsec_YWJj', 'whsec_ZGVm', 'whsec_Z2hp']);
  });
});
