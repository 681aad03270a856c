import type { Message, StreamResponse, Task } from '@a2a-js/sdk';
import type { UsageEvent } from '../billing/billing.types';

/** Tokens one model call spent, as an agent reported them. */
export interface TokenCounts {
  model?: string;
  inputTokens: number;
  outputTokens: number;
  /** An id the agent gave this report: the same id counts once, whatever channel repeats it. */
  id?: string;
}

export interface UsageRecord extends TokenCounts {
  /** Where it was found, unique within one reply: `msg:<messageId>`, `evt:<n>`, `task`. */
  key: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined =>
  typeof v === 'string' && v.trim() ? v.trim() : undefined;
function count(v: unknown): number | undefined {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? Math.round(n) : undefined;
}
const first = (o: Obj, ...keys: string[]): unknown =>
  keys.map((k) => o[k]).find((v) => v !== undefined);

/** ADK usage metadata; kagent installations spell the prefix `kagent_` or `adk_`, fields snake_case or camelCase. */
const ADK_KEYS = ['kagent_usage_metadata', 'adk_usage_metadata'];

/**
 * One usage report from A2A metadata: the platform contract's `usage` {model, inputTokens, outputTokens}
 * (OpenAI/Dify-style prompt/completion names accepted), else kagent/ADK usage metadata, where output =
 * candidates + thoughts tokens (both are billed as output), or total − prompt when only the total is given.
 */
export function readUsage(metadata: unknown): TokenCounts | undefined {
  if (!isObj(metadata)) return undefined;
  const own = metadata.usage;
  if (isObj(own)) {
    const input = count(first(own, 'inputTokens', 'input_tokens', 'promptTokens', 'prompt_tokens'));
    const output = count(
      first(own, 'outputTokens', 'output_tokens', 'completionTokens', 'completion_tokens'),
    );
    if (input !== undefined || output !== undefined) {
      return {
        model: str(own.model),
        inputTokens: input ?? 0,
        outputTokens: output ?? 0,
        id: str(first(own, 'id', 'eventId')),
      };
    }
  }
  for (const key of ADK_KEYS) {
    const adk = metadata[key];
    if (!isObj(adk)) continue;
    const prompt = count(first(adk, 'prompt_token_count', 'promptTokenCount'));
    const candidates = count(first(adk, 'candidates_token_count', 'candidatesTokenCount'));
    const thoughts = count(first(adk, 'thoughts_token_count', 'thoughtsTokenCount')) ?? 0;
    const total = count(first(adk, 'total_token_count', 'totalTokenCount'));
    if (prompt === undefined && candidates === undefined && total === undefined) continue;
    const input = prompt ?? 0;
    const output =
      candidates !== undefined ? candidates + thoughts : Math.max(0, (total ?? 0) - input);
    return {
      model: str(first(metadata, 'model', 'kagent_model', 'adk_model')),
      inputTokens: input,
      outputTokens: output,
    };
  }
  return undefined;
}

/**
 * Collects every usage report of one A2A exchange without counting one model call twice:
 * a report on a message (or on the event that carries it) is keyed by the message id, so the
 * same message seen again in a later Task's history is not counted again; reports on events
 * without a message count once per event; the Task's own metadata (kagent repeats the last
 * call there) counts only when nothing finer-grained was reported.
 */
export class UsageCollector {
  private readonly fine = new Map<string, UsageRecord>();
  private summary?: UsageRecord;
  private events = 0;

  add(event: StreamResponse): void {
    this.events += 1;
    const payload = event.payload;
    if (!payload) return;
    switch (payload.$case) {
      case 'task':
        return this.addTask(payload.value);
      case 'message':
        this.addMessage(payload.value);
        return;
      case 'statusUpdate': {
        const message = payload.value.status?.message;
        const own = message ? this.addMessage(message) : undefined;
        const onEvent = readUsage(payload.value.metadata);
        if (onEvent && !own)
          this.put(message?.messageId ? `msg:${message.messageId}` : `evt:${this.events}`, onEvent);
        return;
      }
      case 'artifactUpdate': {
        const usage =
          readUsage(payload.value.metadata) ?? readUsage(payload.value.artifact?.metadata);
        if (usage) this.put(`evt:${this.events}`, usage);
        return;
      }
    }
  }

  records(): UsageRecord[] {
    if (this.fine.size) return [...this.fine.values()];
    return this.summary ? [this.summary] : [];
  }

  private addTask(task: Task): void {
    for (const message of task.history ?? []) this.addMessage(message);
    if (task.status?.message) this.addMessage(task.status.message);
    const usage = readUsage(task.metadata);
    if (usage) this.summary = { ...usage, key: 'task' };
  }

  private addMessage(message: Message): TokenCounts | undefined {
    const usage = readUsage(message.metadata);
    if (usage)
      this.put(message.messageId ? `msg:${message.messageId}` : `evt:${this.events}`, usage);
    return usage;
  }

  private put(key: string, usage: TokenCounts): void {
    if (!this.fine.has(key)) this.fine.set(key, { ...usage, key });
  }
}

export interface UsageContext {
  customerId: string;
  veId: string;
  /** The platform task billed, or null when the call belongs to no task (routing preview). */
  taskId: string | null;
  /** The VE's model, used when the agent does not name one. */
  defaultModel: string;
  /** The A2A task id (or context id) that makes generated source ids unique. */
  scope: string;
}

/** UsageEvents for billing; an agent-given id is used verbatim so another channel repeating it dedupes. */
export function toUsageEvents(records: UsageRecord[], ctx: UsageContext): UsageEvent[] {
  return records
    .filter((r) => r.inputTokens > 0 || r.outputTokens > 0)
    .map((r) => ({
      customerId: ctx.customerId,
      veId: ctx.veId,
      taskId: ctx.taskId,
      model: r.model ?? ctx.defaultModel,
      inputTokens: r.inputTokens,
      outputTokens: r.outputTokens,
      source: 'a2a',
      sourceEventId: r.id ?? `a2a:${ctx.scope}:${r.key}`,
      occurredAt: new Date(),
    }));
}
