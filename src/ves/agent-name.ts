import { toDnsLabel } from '../customers/dns-label';

/**
 * Room for a "-NNN" suffix and for names kagent derives from the agent's (Deployment, Service),
 * within the 63 characters of a DNS-1123 label.
 */
export const AGENT_NAME_BASE_MAX = 50;

/**
 * The agent name a VE's display name suggests. It also names a Kubernetes Service, which must
 * start with a letter (DNS-1035), so a leading digit gets a "ve-" prefix.
 */
export function agentNameBase(name: string): string {
  const label = toDnsLabel(name, AGENT_NAME_BASE_MAX, 've');
  return /^[0-9]/.test(label) ? toDnsLabel(`ve-${label}`, AGENT_NAME_BASE_MAX, 've') : label;
}

/** `base` when free, else the first free of base-2, base-3, ... among the customer's live VEs. */
export function pickAgentName(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base}-${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}
