import type { RouteAnswer, RouteRequestData } from '../../orchestrator/routing-protocol';

const words = (text: string) =>
  new Set(
    text
      .toLowerCase()
      .split(/[^\p{L}\p{N}]+/u)
      .filter((w) => w.length > 2),
  );

/**
 * The sandbox orchestrator's choice: `[route:<agent>]` in the task wins (even a VE that does not
 * exist, so the platform's fallback can be exercised); else the candidate with the most skill
 * words in the task, the first listed among equals.
 */
export function routeInSandbox(request: RouteRequestData, routeTo?: string): RouteAnswer {
  if (routeTo)
    return {
      agentName: routeTo,
      reason: `[sandbox] routed to ${routeTo} as the [route] directive says`,
    };
  const taskWords = words(`${request.task.title} ${request.task.description ?? ''}`);
  let best: { agentName: string; veId: string; hits: string[] } | undefined;
  for (const c of request.candidates) {
    const hits = c.skills.filter((skill) => [...words(skill)].some((w) => taskWords.has(w)));
    if (!best || hits.length > best.hits.length)
      best = { agentName: c.agentName, veId: c.veId, hits };
  }
  if (!best) return { reason: '[sandbox] no candidates were offered' };
  const why = best.hits.length
    ? `skills ${best.hits.join(', ')} match the task`
    : 'no skill matched; first candidate';
  return { veId: best.veId, agentName: best.agentName, reason: `[sandbox] ${why}` };
}
