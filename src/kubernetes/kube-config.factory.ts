import { KubeConfig } from '@kubernetes/client-node';
import type { AppConfig } from '../config/app-config';

/**
 * The cluster connection, in this order: K8S_API_URL (+ K8S_TOKEN, K8S_CA_FILE), KUBECONFIG,
 * then the pod's own service account when running in-cluster.
 */
export function buildKubeConfig(config: AppConfig): KubeConfig {
  const kc = new KubeConfig();
  const url = config.get('K8S_API_URL');
  const kubeconfigPath = config.get('KUBECONFIG');
  if (url) {
    const token = config.get('K8S_TOKEN');
    kc.loadFromClusterAndUser(
      {
        name: 've-cluster',
        server: url.replace(/\/+$/, ''),
        caFile: config.get('K8S_CA_FILE'),
        skipTLSVerify: config.get('K8S_INSECURE_SKIP_TLS_VERIFY'),
      },
      { name: 've-backend', ...(token ? { token } : {}) },
    );
  } else if (kubeconfigPath) {
    kc.loadFromFile(kubeconfigPath);
  } else if (config.get('KUBERNETES_SERVICE_HOST')) {
    kc.loadFromCluster();
  } else {
    throw new Error(
      'K8S_MODE=cluster needs K8S_API_URL, KUBECONFIG, or to run in a pod (in-cluster service account)',
    );
  }
  return kc;
}
