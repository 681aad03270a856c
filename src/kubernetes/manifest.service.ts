import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import type { Customer } from '../customers/customers.service';
import type { Ve } from '../ves/ves.types';
import { PROVIDER_KEYS, ProviderKey } from './kubernetes.constants';
import { AgentRenderVe, renderVeObjects } from './render/agent';
import type { K8sObject } from './render/k8s-object';
import { renderNamespaceObjects, SecretValues } from './render/namespace';

/** The pure renderers, fed with this deployment's settings (gateway namespace, agent role, keys). */
@Injectable()
export class ManifestService {
  constructor(private readonly config: AppConfig) {}

  namespaceObjects(
    customer: Pick<Customer, 'id' | 'namespace' | 'plan'>,
    secrets: SecretValues,
  ): K8sObject[] {
    const providerKeys: Partial<Record<ProviderKey, string | undefined>> = {};
    for (const key of PROVIDER_KEYS) providerKeys[key] = this.config.get(key);
    return renderNamespaceObjects(
      {
        customerId: customer.id,
        namespace: customer.namespace,
        plan: customer.plan,
        gatewayNamespaces: this.gatewayNamespaces(),
        agentClusterRole: this.config.get('K8S_AGENT_CLUSTER_ROLE'),
        providerKeys,
      },
      secrets,
    );
  }

  veObjects(ve: AgentRenderVe): K8sObject[] {
    return renderVeObjects(ve, { mcpNamespace: this.config.get('K8S_MCP_NAMESPACE') || undefined });
  }

  /** Namespace objects then every VE's ModelConfig (once per model) and Agent: one GitOps bundle. */
  customerBundle(customer: Pick<Customer, 'id' | 'namespace' | 'plan'>, ves: Ve[]): K8sObject[] {
    const objects = this.namespaceObjects(customer, 'omit');
    const modelConfigs = new Map<string, K8sObject>();
    const agents: K8sObject[] = [];
    for (const ve of ves) {
      const [modelConfig, agent] = this.veObjects(ve);
      modelConfigs.set(modelConfig.metadata.name, modelConfig);
      agents.push(agent);
    }
    return [...objects, ...modelConfigs.values(), ...agents];
  }

  /** The comment put on served bundles: the Secret is never rendered with its values outside the cluster. */
  secretNote(): string {
    const keys = PROVIDER_KEYS.filter((k) => this.config.get(k)).join(', ') || 'none configured';
    return `Secret ve-model-keys (keys: ${keys}) is not included: create it out of band (sealed-secrets, external-secrets).`;
  }

  /** K8S_GATEWAY_NAMESPACE may list several namespaces (e.g. the gateway's and kagent's), comma-separated. */
  gatewayNamespaces(): string[] {
    return this.config
      .get('K8S_GATEWAY_NAMESPACE')
      .split(/[\s,]+/)
      .filter(Boolean);
  }
}
