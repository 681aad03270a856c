import type { VeStatus } from '../database/database.types';

/** What the rule-based router reads of a VE. */
export interface RoutableVe {
  id: string;
  agentName: string;
  name: string;
  role: string;
  department: string;
  skills: string[];
  status: VeStatus;
  createdAt: string;
}

export interface RuleDecision<T extends RoutableVe = RoutableVe> {
  ve: T;
  score: number;
  reason: string;
}

// Words that say nothing about who should do the work.
const STOP_WORDS = new Set(
  (
    'a an and are as at be but by can do for from get has have how if in into is it its me my new not of on or our out ' +
    'per please set should so some task that the this to up us use via was we what when who why will with you your need needs make'
  ).split(' '),
);

/** Lowercase words of a text (letters and digits of any script), minus stop words. */
export function tokenize(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length >= 2 && !STOP_WORDS.has(w));
}

/**
 * Same word, or two forms of one: a prefix ("plan" ~ "planning") or a long shared stem
 * ("invoices" ~ "invoicing": 6 of 8 letters). Words under 4 letters must be equal.
 */
function sameWord(a: string, b: string): boolean {
  if (a === b) return true;
  const shorter = Math.min(a.length, b.length);
  if (shorter < 4) return false;
  let common = 0;
  while (common < shorter && a[common] === b[common]) common++;
  return common === shorter || (common >= 5 && common >= 0.75 * shorter);
}

function matched(tokens: string[], words: string[]): string[] {
  return tokens.filter((t) => words.some((w) => sameWord(t, w)));
}

/**
 * Scores one VE against the words of the work: a skill whose every word appears scores
 * 5 + its length in words, a partly matching skill 2 per word; each matching word of the
 * role or department scores 2, of the VE's name 1.
 */
export function scoreVe(ve: RoutableVe, words: string[]): { score: number; hits: string[] } {
  let score = 0;
  const hits: string[] = [];
  for (const skill of ve.skills) {
    const tokens = tokenize(skill);
    const found = matched(tokens, words);
    if (!found.length) continue;
    score += found.length === tokens.length ? 5 + tokens.length : 2 * found.length;
    hits.push(`skill "${skill}"`);
  }
  const fields: Array<[string, string, number]> = [
    ['role', ve.role, 2],
    ['department', ve.department, 2],
    ['name', ve.name, 1],
  ];
  for (const [field, value, weight] of fields) {
    const found = matched(tokenize(value), words);
    if (!found.length) continue;
    score += weight * found.length;
    hits.push(`${field} "${value}"`);
  }
  return { score, hits };
}

/** Deterministic order among equals: ready before others, then the oldest, then by agent name and id. */
function tieBreak(a: RoutableVe, b: RoutableVe): number {
  const ready = Number(b.status === 'ready') - Number(a.status === 'ready');
  if (ready) return ready;
  const age = Date.parse(a.createdAt) - Date.parse(b.createdAt);
  if (age) return age;
  return a.agentName.localeCompare(b.agentName) || a.id.localeCompare(b.id);
}

/** Picks the VE whose skills, role, department and name best match the title and description. */
export function routeByRules<T extends RoutableVe>(
  work: { title: string; description?: string | null },
  ves: T[],
): RuleDecision<T> {
  if (!ves.length) throw new Error('routeByRules needs at least one VE');
  const words = tokenize(`${work.title} ${work.description ?? ''}`);
  const ranked = ves
    .map((ve) => ({ ve, ...scoreVe(ve, words) }))
    .sort((a, b) => b.score - a.score || tieBreak(a.ve, b.ve));
  const best = ranked[0]!;
  const reason = best.score
    ? `rules: ${best.ve.agentName} matched ${best.hits.join(', ')} (score ${best.score})`
    : `rules: nothing in the task matched a skill, role or department; picked ${best.ve.agentName} by default order (ready first, then oldest)`;
  return { ve: best.ve, score: best.score, reason };
}
