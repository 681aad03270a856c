export interface RouteDecision {
  veId: string;
  agentName: string;
  reason: string;
  source: 'agent' | 'rules';
}
