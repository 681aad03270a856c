import { ValidationFailedError } from '../common/domain-errors';
import type { UsageEvent } from './billing.types';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A usage event after validation: trimmed strings, a definite time. */
export interface ValidUsageEvent {
  customerId: string;
  veId: string | null;
  taskId: string | null;
  model: string;
  inputTokens: number;
  outputTokens: number;
  source: string;
  sourceEventId: string;
  occurredAt: Date;
}

/**
 * Checks a usage event from any source (agents send it; nothing is trusted): ids are uuids,
 * the model a non-empty name, token counts non-negative integers. Throws every problem at once.
 */
export function validateUsageEvent(event: UsageEvent, now = new Date()): ValidUsageEvent {
  const problems: Array<{ field: string; problems: string[] }> = [];
  const bad = (field: string, problem: string) => problems.push({ field, problems: [problem] });
  const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

  if (typeof event.customerId !== 'string' || !UUID.test(event.customerId))
    bad('customerId', 'must be a uuid');
  for (const field of ['veId', 'taskId'] as const) {
    const v = event[field];
    if (v !== undefined && v !== null && (typeof v !== 'string' || !UUID.test(v)))
      bad(field, 'must be a uuid or null');
  }
  const model = text(event.model);
  if (!model) bad('model', 'must be a non-empty string');
  else if (model.length > 200) bad('model', 'must be at most 200 characters');
  for (const field of ['inputTokens', 'outputTokens'] as const) {
    const v = event[field];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0)
      bad(field, 'must be a non-negative integer');
  }
  const source = text(event.source);
  if (!source || source.length > 50)
    bad('source', 'must be a non-empty string of at most 50 characters');
  const sourceEventId = text(event.sourceEventId);
  if (!sourceEventId || sourceEventId.length > 300) {
    bad('sourceEventId', 'must be a non-empty string of at most 300 characters');
  }
  const at = event.occurredAt;
  if (at !== undefined && (!(at instanceof Date) || Number.isNaN(at.getTime())))
    bad('occurredAt', 'must be a valid Date');

  if (problems.length) {
    const message = problems.map((p) => `${p.field}: ${p.problems.join(', ')}`).join('; ');
    throw new ValidationFailedError(`Invalid usage event: ${message}`, problems);
  }
  return {
    customerId: event.customerId.toLowerCase(),
    veId: event.veId ? event.veId.toLowerCase() : null,
    taskId: event.taskId ? event.taskId.toLowerCase() : null,
    model,
    inputTokens: event.inputTokens,
    outputTokens: event.outputTokens,
    source,
    sourceEventId,
    occurredAt: at ?? now,
  };
}
