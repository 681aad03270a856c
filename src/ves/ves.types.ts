import type { VeStatus } from '../database/database.types';

/** A virtual employee as the API shows it (API.md), plus what agents and deployers need. */
export interface Ve {
  id: string;
  customerId: string;
  templateId: string | null;
  name: string;
  role: string;
  department: string;
  agentName: string;
  namespace: string;
  model: string;
  skills: string[];
  tools: string[];
  managerId: string | null;
  status: VeStatus;
  statusReason: string | null;
  createdAt: string;
  updatedAt: string;
  /** Not in the public shape by default; used by the gateway and the Kubernetes renderer. */
  systemPrompt: string;
  /** The customer's own A2A URL for this VE, when it is not reached through the gateway. */
  agentUrl: string | null;
  generation: number;
}

export interface VeStatusChange {
  status: VeStatus;
  reason: string | null;
  conditions?: unknown[];
}

/** The role that marks a customer's orchestrator agent. */
export const ORCHESTRATOR_ROLE = 'orchestrator';
