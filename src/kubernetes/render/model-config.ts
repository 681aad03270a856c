import {
  FIELD_MANAGER,
  KAGENT_API_VERSION,
  LABELS,
  NAMESPACE_OBJECT_NAMES,
  ProviderKey,
} from '../kubernetes.constants';
import type { K8sObject } from './k8s-object';
import { toDnsLabel } from './names';

export type ModelProvider = 'OpenAI' | 'Anthropic';

export interface ModelProviderChoice {
  provider: ModelProvider;
  /** The model id the provider knows (an `openai/` or `anthropic/` prefix is dropped). */
  model: string;
  apiKeySecretKey: ProviderKey;
}

/**
 * Picks the provider from the model name: `claude-*` (or `anthropic/...`) is Anthropic; everything
 * else is OpenAI, kagent's default provider, which also covers OpenAI-compatible endpoints.
 */
export function providerFor(model: string): ModelProviderChoice {
  const [prefix, ...rest] = model.split('/');
  if (rest.length > 0 && /^(anthropic|openai)$/i.test(prefix)) {
    const bare = rest.join('/');
    return /^anthropic$/i.test(prefix)
      ? { provider: 'Anthropic', model: bare, apiKeySecretKey: 'ANTHROPIC_API_KEY' }
      : { provider: 'OpenAI', model: bare, apiKeySecretKey: 'OPENAI_API_KEY' };
  }
  if (/^claude/i.test(model))
    return { provider: 'Anthropic', model, apiKeySecretKey: 'ANTHROPIC_API_KEY' };
  return { provider: 'OpenAI', model, apiKeySecretKey: 'OPENAI_API_KEY' };
}

/** One ModelConfig per model and namespace, shared by the VEs that use that model. */
export function modelConfigName(model: string): string {
  return toDnsLabel(model);
}

export function renderModelConfig(model: string, namespace: string, customerId: string): K8sObject {
  const choice = providerFor(model);
  return {
    apiVersion: KAGENT_API_VERSION,
    kind: 'ModelConfig',
    metadata: {
      name: modelConfigName(model),
      namespace,
      labels: {
        [LABELS.managedBy]: FIELD_MANAGER,
        [LABELS.partOf]: 've-platform',
        [LABELS.customerId]: customerId,
      },
    },
    spec: {
      model: choice.model,
      provider: choice.provider,
      apiKeySecret: NAMESPACE_OBJECT_NAMES.modelKeysSecret,
      apiKeySecretKey: choice.apiKeySecretKey,
    },
  };
}
