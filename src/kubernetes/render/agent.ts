import type { Ve } from '../../ves/ves.types';
import {
  ANNOTATIONS,
  FIELD_MANAGER,
  KAGENT_API_VERSION,
  LABELS,
  NAMESPACE_OBJECT_NAMES,
} from '../kubernetes.constants';
import { asList, K8sObject, ManifestRenderError } from './k8s-object';
import { modelConfigName, renderModelConfig } from './model-config';
import { humanize, slug } from './names';

/** kagent's limit on `spec.declarative.tools`. */
export const MAX_TOOL_SERVERS = 20;
const SERVER_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

export type AgentRenderVe = Pick<
  Ve,
  | 'id'
  | 'customerId'
  | 'name'
  | 'role'
  | 'department'
  | 'agentName'
  | 'namespace'
  | 'model'
  | 'skills'
  | 'tools'
  | 'systemPrompt'
  | 'generation'
>;

export interface AgentRenderOptions {
  /** Where the RemoteMCPServer objects live; unset = the Agent's own namespace. */
  mcpNamespace?: string;
}

export interface McpServerToolRef {
  type: 'McpServer';
  mcpServer: {
    kind: 'RemoteMCPServer';
    apiGroup: 'kagent.dev';
    name: string;
    namespace?: string;
    toolNames?: string[];
  };
}

/**
 * The VE's `server/tool` strings grouped per MCP server, in first-seen order. A bare `server`
 * grants the whole server (no `toolNames`).
 */
export function groupTools(tools: string[], mcpNamespace?: string): McpServerToolRef[] {
  const byServer = new Map<string, Set<string> | 'all'>();
  for (const raw of tools) {
    const ref = raw.trim();
    const slash = ref.indexOf('/');
    const server = slash < 0 ? ref : ref.slice(0, slash);
    const tool = slash < 0 ? '' : ref.slice(slash + 1).trim();
    if (!SERVER_NAME.test(server) || server.length > 253) {
      throw new ManifestRenderError(
        `tool "${raw}": "${server}" is not a valid MCP server name (DNS-1123)`,
      );
    }
    if (slash >= 0 && !tool)
      throw new ManifestRenderError(`tool "${raw}": the tool name after "/" is empty`);
    const seen = byServer.get(server);
    if (!tool) byServer.set(server, 'all');
    else if (seen === undefined) byServer.set(server, new Set([tool]));
    else if (seen !== 'all') seen.add(tool);
  }
  if (byServer.size > MAX_TOOL_SERVERS) {
    throw new ManifestRenderError(
      `a kagent Agent takes at most ${MAX_TOOL_SERVERS} tool servers, got ${byServer.size}`,
    );
  }
  return [...byServer].map(([name, names]) => ({
    type: 'McpServer',
    mcpServer: {
      kind: 'RemoteMCPServer',
      apiGroup: 'kagent.dev',
      name,
      ...(mcpNamespace ? { namespace: mcpNamespace } : {}),
      ...(names === 'all' ? {} : { toolNames: [...names] }),
    },
  }));
}

export interface A2ASkill {
  id: string;
  name: string;
  description: string;
  tags: string[];
  inputModes: string[];
  outputModes: string[];
}

/** A2A skills from the VE's skills; a VE without skills advertises its role (kagent needs one). */
export function renderSkills(ve: Pick<Ve, 'role' | 'department' | 'skills'>): A2ASkill[] {
  const source = ve.skills.map((s) => s.trim()).filter(Boolean);
  const names = source.length > 0 ? source : [ve.role];
  const byId = new Map<string, A2ASkill>();
  for (const skill of names) {
    const id = slug(skill);
    if (byId.has(id)) continue;
    const name = humanize(skill);
    byId.set(id, {
      id,
      name,
      description: `${name}, done by the ${ve.role} (${ve.department})`,
      tags: [...new Set([id, slug(ve.department)])],
      inputModes: ['text'],
      outputModes: ['text'],
    });
  }
  return [...byId.values()];
}

export function agentLabels(ve: Pick<Ve, 'id' | 'customerId'>): Record<string, string> {
  return {
    [LABELS.managedBy]: FIELD_MANAGER,
    [LABELS.partOf]: 've-platform',
    [LABELS.customerId]: ve.customerId,
    [LABELS.veId]: ve.id,
  };
}

export function renderAgent(ve: AgentRenderVe, opts: AgentRenderOptions = {}): K8sObject {
  const tools = groupTools(ve.tools, opts.mcpNamespace);
  const systemMessage =
    ve.systemPrompt.trim() || `You are ${ve.name}, the ${ve.role} of this team (${ve.department}).`;
  return {
    apiVersion: KAGENT_API_VERSION,
    kind: 'Agent',
    metadata: {
      name: ve.agentName,
      namespace: ve.namespace,
      labels: agentLabels(ve),
      annotations: {
        [ANNOTATIONS.veGeneration]: String(ve.generation),
        [ANNOTATIONS.veName]: ve.name,
      },
    },
    spec: {
      type: 'Declarative',
      description: `${ve.name}: ${ve.role} (${ve.department})`,
      declarative: {
        systemMessage,
        modelConfig: modelConfigName(ve.model),
        ...(tools.length > 0 ? { tools } : {}),
        a2aConfig: { skills: renderSkills(ve) },
        deployment: {
          serviceAccountName: NAMESPACE_OBJECT_NAMES.agentServiceAccount,
          labels: agentLabels(ve),
        },
      },
    },
  };
}

/** What one VE needs in its namespace, in apply order: the ModelConfig, then the Agent. */
export function renderVeObjects(ve: AgentRenderVe, opts: AgentRenderOptions = {}): K8sObject[] {
  return [renderModelConfig(ve.model, ve.namespace, ve.customerId), renderAgent(ve, opts)];
}

export function renderVeManifest(ve: AgentRenderVe, opts: AgentRenderOptions = {}) {
  return asList(renderVeObjects(ve, opts));
}
