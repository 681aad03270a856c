import type { VeStatus } from '../database/database.types';

export interface RouteDecision {
  veId: string;
  agentName: string;
  reason: string;
  source: 'agent' | 'rules';
}

export interface OrchestratorStatus {
  /** 'agent' when the customer has an orchestrator VE (the rules still back it up), else 'rules'. */
  mode: 'agent' | 'rules';
  orchestrator: {
    veId: string;
    agentName: string;
    status: VeStatus;
    url: string;
    reachable: boolean;
    error?: string;
  } | null;
  /** VEs (other than the orchestrator) that can take work. */
  routableVes: number;
  /** The shared tasks queue (all customers): jobs by state. */
  tasksQueue: Record<string, number>;
}
