/**
 * Directives the sandbox agent obeys, written anywhere in the task text:
 * `[fail]`, `[slow:<ms>]`, `[input]`, `[delegate:<agentName>]`, `[callback]` / `[callback:<ms>]`,
 * `[route:<agentName>]` (when it acts as an orchestrator).
 */
export interface SandboxDirectives {
  fail: boolean;
  input: boolean;
  slowMs?: number;
  delegateTo?: string;
  /** Complete by a signed task_update callback after this delay instead of answering at once. */
  callbackAfterMs?: number;
  routeTo?: string;
  /** The text without its directives. */
  text: string;
}

const DIRECTIVE = /\[(fail|input|slow|delegate|callback|route)(?::([^\]\s]*))?\]/gi;
const MAX_SLOW_MS = 10 * 60_000;
const DEFAULT_CALLBACK_DELAY_MS = 300;

function millis(value: string | undefined, fallback?: number): number | undefined {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  return Number.isInteger(n) && n >= 0 ? Math.min(n, MAX_SLOW_MS) : fallback;
}

export function parseDirectives(input: string): SandboxDirectives {
  const d: SandboxDirectives = { fail: false, input: false, text: '' };
  for (const [, rawName, arg] of input.matchAll(DIRECTIVE)) {
    switch (rawName!.toLowerCase()) {
      case 'fail':
        d.fail = true;
        break;
      case 'input':
        d.input = true;
        break;
      case 'slow':
        d.slowMs = millis(arg) ?? d.slowMs;
        break;
      case 'delegate':
        if (arg) d.delegateTo = arg;
        break;
      case 'callback':
        d.callbackAfterMs = millis(arg, DEFAULT_CALLBACK_DELAY_MS);
        break;
      case 'route':
        if (arg) d.routeTo = arg;
        break;
    }
  }
  d.text = input
    .replace(DIRECTIVE, ' ')
    .replace(/[ \t]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .trim();
  return d;
}

/** Plausible token counts from text lengths (~4 characters a token, plus a prompt overhead). */
export function sandboxUsage(
  model: string,
  prompt: string,
  answer: string,
): { model: string; inputTokens: number; outputTokens: number } {
  return {
    model,
    inputTokens: 40 + Math.ceil(prompt.length / 4),
    outputTokens: 5 + Math.ceil(answer.length / 4),
  };
}

/** The deterministic result of a task: a short summary derived from its text. */
export function sandboxResult(agentName: string, text: string): string {
  const firstLine = text.split('\n')[0]!.trim();
  const summary =
    firstLine.length > 160 ? `${firstLine.slice(0, 157)}...` : firstLine || '(empty task)';
  const words = text.split(/\s+/).filter(Boolean).length;
  return `[sandbox] ${agentName} completed: ${summary} (${words} word${words === 1 ? '' : 's'} of input)`;
}
