/**
 * The routing exchange with a customer's orchestrator agent, part of the public agent contract:
 * the platform sends a text prompt plus a data part `{ type: "ve.route-request", ... }`; the
 * agent answers with a data part (or JSON text) `{ "veId" | "agentName", "reason" }`.
 */

export const ROUTE_REQUEST_TYPE = 've.route-request';

export interface RouteCandidate {
  veId: string;
  agentName: string;
  name: string;
  role: string;
  department: string;
  skills: string[];
}

export interface RouteRequestData {
  type: typeof ROUTE_REQUEST_TYPE;
  version: 1;
  task: { title: string; description: string | null };
  candidates: RouteCandidate[];
  replyFormat: string;
}

export interface RouteAnswer {
  veId?: string;
  agentName?: string;
  reason?: string;
}

const REPLY_FORMAT =
  'A data part, or JSON text, {"veId": "<id>"} or {"agentName": "<agent>"}, with "reason": "<why>"';

export function buildRouteRequest(
  work: { title: string; description?: string | null },
  candidates: RouteCandidate[],
): { text: string; input: RouteRequestData } {
  const list = candidates
    .map(
      (c) =>
        `- ${c.agentName} (${c.name}; ${c.role}, ${c.department}; skills: ${c.skills.join(', ') || 'none'})`,
    )
    .join('\n');
  const text = [
    'Route this task to the best virtual employee of the team.',
    `Task: ${work.title}`,
    ...(work.description ? [`Details: ${work.description}`] : []),
    'Team:',
    list,
    `Reply with ${REPLY_FORMAT}.`,
  ].join('\n');
  return {
    text,
    input: {
      type: ROUTE_REQUEST_TYPE,
      version: 1,
      task: { title: work.title, description: work.description ?? null },
      candidates,
      replyFormat: REPLY_FORMAT,
    },
  };
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function isRouteRequest(data: unknown): data is RouteRequestData {
  return (
    isObj(data) &&
    data.type === ROUTE_REQUEST_TYPE &&
    isObj(data.task) &&
    Array.isArray(data.candidates)
  );
}

function answerFrom(value: unknown): RouteAnswer | undefined {
  if (!isObj(value)) return undefined;
  const veId = typeof value.veId === 'string' && value.veId.trim() ? value.veId.trim() : undefined;
  const agentName =
    typeof value.agentName === 'string' && value.agentName.trim()
      ? value.agentName.trim()
      : undefined;
  if (!veId && !agentName) return undefined;
  const reason =
    typeof value.reason === 'string' && value.reason.trim() ? value.reason.trim() : undefined;
  return { veId, agentName, reason };
}

function jsonCandidates(text: string): string[] {
  const found = [text.trim()];
  const fenced = /```(?:json)?\s*([\s\S]*?)```/i.exec(text);
  if (fenced) found.push(fenced[1]!.trim());
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start >= 0 && end > start) found.push(text.slice(start, end + 1));
  return found;
}

/** The agent's choice from its reply: the first data part naming a VE, else JSON in the text (bare, fenced, or embedded). */
export function parseRouteAnswer(reply: {
  text: string;
  artifacts: unknown[];
}): RouteAnswer | undefined {
  for (const artifact of reply.artifacts) {
    const parts = isObj(artifact) && Array.isArray(artifact.parts) ? artifact.parts : [];
    for (const part of parts) {
      const answer = isObj(part) && part.kind === 'data' ? answerFrom(part.data) : undefined;
      if (answer) return answer;
    }
  }
  for (const candidate of jsonCandidates(reply.text)) {
    try {
      const answer = answerFrom(JSON.parse(candidate));
      if (answer) return answer;
    } catch {
      // not JSON: try the next reading
    }
  }
  return undefined;
}
