import { ValidationFailedError } from '../../common/domain-errors';
import { isPlainObject } from '../agent-callback.parser';
import type { A2aPushUpdate, UsageReport } from '../webhooks.types';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
type Obj = Record<string, unknown>;
const V1_KINDS = ['task', 'statusUpdate', 'artifactUpdate', 'message'] as const;

/**
 * Reads an A2A push notification in either wire version:
 * - 1.0: a StreamResponse JSON (`application/a2a+json`) holding one of `task`, `statusUpdate`,
 *   `artifactUpdate`, `message`; states spelled `TASK_STATE_COMPLETED`; parts `{ text }`.
 * - 0.3: the Task itself (`kind: "task"`, or a `status-update`/`artifact-update` event); states
 *   spelled `completed`, `input-required`; parts `{ kind: "text", text }`.
 * The platform task id is the A2A contextId (the gateway sends contextId = task id) or metadata.taskId.
 */
export function parseA2aPush(body: unknown): A2aPushUpdate {
  if (!isPlainObject(body)) throw invalid('the body must be a JSON object');
  const wrapper = V1_KINDS.find((k) => pick(body, k));
  const obj = wrapper ? pick(body, wrapper)! : body;
  // 1.0 names the payload by its key; 0.3 sends the object itself with a `kind`.
  const kind =
    wrapper ??
    String(body.kind ?? (typeof body.id === 'string' && isPlainObject(body.status) ? 'task' : ''));
  const isTask = kind === 'task';
  const isMessage = kind === 'message';
  const metadata = (pick(obj, 'metadata') ?? {}) as Obj;
  const contextId = str(obj.contextId ?? obj.context_id);
  const metaTaskId = str(metadata.taskId ?? metadata.task_id);
  const platformTaskId = [contextId, metaTaskId].find((v) => v && UUID.test(v))?.toLowerCase();
  const a2aTaskId = isTask ? str(obj.id) : str(obj.taskId ?? obj.task_id);
  if (!platformTaskId && !a2aTaskId)
    throw invalid('no task named: expected contextId (the platform task id) or a task id');

  const status = pick(obj, 'status');
  const state = status ? normaliseState(status.state) : undefined;
  const texts: string[] = [];
  const artifacts: unknown[] = [];
  const statusMessage = status ? pick(status, 'message') : undefined;
  if (statusMessage) texts.push(...partsText(statusMessage.parts));
  if (isMessage) texts.push(...partsText(obj.parts));
  const artifactList = Array.isArray(obj.artifacts)
    ? obj.artifacts
    : pick(obj, 'artifact')
      ? [pick(obj, 'artifact')]
      : [];
  for (const a of artifactList) {
    if (!isPlainObject(a)) continue;
    artifacts.push(a);
    texts.push(...partsText(a.parts));
  }
  const update: A2aPushUpdate = {};
  if (platformTaskId) update.platformTaskId = platformTaskId;
  if (a2aTaskId) update.a2aTaskId = a2aTaskId;
  if (state) update.state = state;
  if (texts.length) update.text = texts.join('\n').slice(0, 1_000_000);
  if (artifacts.length) update.artifacts = artifacts;
  const usage = usageOf(metadata);
  if (usage) update.usage = usage;
  return update;
}

/** `TASK_STATE_INPUT_REQUIRED` and `input-required` → `input-required`. */
export function normaliseState(state: unknown): string | undefined {
  if (typeof state !== 'string' || !state) return undefined;
  return state
    .replace(/^TASK_STATE_/i, '')
    .toLowerCase()
    .replace(/_/g, '-');
}

/** Usage an agent put on the event: `metadata.usage` ({ model, inputTokens, outputTokens }) or kagent's ADK metadata. */
function usageOf(metadata: Obj): UsageReport | undefined {
  const u = pick(metadata, 'usage');
  if (u) {
    const input = num(u.inputTokens ?? u.input_tokens ?? u.promptTokens ?? u.prompt_tokens);
    const output = num(
      u.outputTokens ?? u.output_tokens ?? u.completionTokens ?? u.completion_tokens,
    );
    if (input !== undefined && output !== undefined) {
      const report: UsageReport = {
        model: str(u.model) ?? '',
        inputTokens: input,
        outputTokens: output,
      };
      const eventId = str(u.eventId ?? u.event_id);
      if (eventId) report.eventId = eventId;
      return report;
    }
  }
  const adk = pick(metadata, 'kagent_usage_metadata') ?? pick(metadata, 'kagentUsageMetadata');
  if (adk) {
    const input = num(adk.prompt_token_count ?? adk.promptTokenCount);
    const output = num(adk.candidates_token_count ?? adk.candidatesTokenCount);
    if (input !== undefined && output !== undefined)
      return { model: str(adk.model) ?? '', inputTokens: input, outputTokens: output };
  }
  return undefined;
}

function partsText(parts: unknown): string[] {
  if (!Array.isArray(parts)) return [];
  return parts.filter(isPlainObject).flatMap((p) => (typeof p.text === 'string' ? [p.text] : []));
}

function pick(o: Obj, key: string): Obj | undefined {
  const snake = key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  const v = o[key] ?? o[snake];
  return isPlainObject(v) ? v : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v ? v : undefined;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined;
}

function invalid(why: string): ValidationFailedError {
  return new ValidationFailedError(`Invalid A2A push notification: ${why}`, [
    { field: '(body)', problems: [why] },
  ]);
}
