import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { ValidationFailedError } from '../common/domain-errors';
import { AgentCallbackDto } from './dto/agent-callback.dto';
import {
  AGENT_STATUS_ALIASES,
  TASK_UPDATE_STATUSES,
  type AgentCallback,
  type TaskUpdateStatus,
} from './webhooks.types';

export interface FieldProblem {
  field: string;
  problems: string[];
}

/** Other spellings agents use for our fields (the original guide, OpenAI, Google ADK usage metadata). */
const ALIASES: Record<string, string> = {
  timestamp: 'occurredAt',
  promptTokens: 'inputTokens',
  promptTokenCount: 'inputTokens',
  completionTokens: 'outputTokens',
  candidatesTokenCount: 'outputTokens',
  usageId: 'eventId',
};
/** Objects whose keys are ours to normalise; the contents of result/metadata are the agent's own. */
const NESTED = new Set(['delegation', 'usage']);
/** token_usage fields that may sit at the top level (API.md's token-usage body) instead of in `usage`. */
const USAGE_FIELDS = ['model', 'inputTokens', 'outputTokens', 'eventId'];

export function camelKey(key: string): string {
  const camel = key.replace(/_+([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  return ALIASES[camel] ?? camel;
}

/**
 * Renames snake_case and alias keys to the API's camelCase names. Two spellings of one field with
 * different values are a problem, not a silent choice.
 */
export function normaliseKeys(
  input: Record<string, unknown>,
  problems: FieldProblem[],
  parent = '',
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const spelledAs: Record<string, string> = {};
  for (const [key, raw] of Object.entries(input)) {
    const name = camelKey(key);
    const field = parent ? `${parent}.${name}` : name;
    const value =
      NESTED.has(name) && !parent && isPlainObject(raw) ? normaliseKeys(raw, problems, name) : raw;
    if (name in out && JSON.stringify(out[name]) !== JSON.stringify(value)) {
      problems.push({
        field,
        problems: [`given twice with different values (${spelledAs[name]} and ${key})`],
      });
      continue;
    }
    out[name] = value;
    spelledAs[name] = key;
  }
  return out;
}

/** Parses and validates an agent callback; throws ValidationFailedError (400) naming every bad field. */
export function parseAgentCallback(
  body: unknown,
  route: 'agent-callback' | 'token-usage',
): AgentCallback {
  if (!isPlainObject(body)) {
    throw new ValidationFailedError('The body must be a JSON object', [
      { field: '(body)', problems: ['must be a JSON object'] },
    ]);
  }
  const problems: FieldProblem[] = [];
  const plain = normaliseKeys(body, problems);
  if (route === 'token-usage') {
    if (plain.eventType !== undefined && plain.eventType !== 'token_usage') {
      problems.push({
        field: 'eventType',
        problems: ['must be token_usage on /api/webhooks/token-usage'],
      });
    }
    plain.eventType = 'token_usage';
    liftUsage(plain, problems);
  } else if (plain.eventType === 'token_usage') {
    liftUsage(plain, problems);
  }
  const dto = plainToInstance(AgentCallbackDto, plain);
  problems.push(...flatten(validateSync(dto, { whitelist: true, forbidNonWhitelisted: true })));
  problems.push(...typeRules(dto));
  if (problems.length) {
    const message = problems.map((p) => `${p.field}: ${p.problems.join(', ')}`).join('; ');
    throw new ValidationFailedError(`Invalid webhook payload: ${message}`, problems);
  }
  return toCallback(dto);
}

/** Moves top-level usage fields into `usage` (the token-usage body is flat). */
function liftUsage(plain: Record<string, unknown>, problems: FieldProblem[]): void {
  const flat = USAGE_FIELDS.filter((f) => plain[f] !== undefined);
  if (!flat.length) return;
  if (plain.usage !== undefined) {
    problems.push({
      field: 'usage',
      problems: [`give usage either flat (${flat.join(', ')}) or nested in usage, not both`],
    });
    return;
  }
  plain.usage = Object.fromEntries(flat.map((f) => [f, plain[f]]));
  for (const f of flat) delete plain[f];
}

/** Which fields each event type needs (class-validator checks their formats). */
function typeRules(dto: AgentCallbackDto): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const need = (field: string, present: boolean, why: string) => {
    if (!present) problems.push({ field, problems: [why] });
  };
  const type = dto.eventType;
  const hasVe = Boolean(dto.veId || dto.agentName);
  if (type === 'task_update') {
    need('taskId', Boolean(dto.taskId), 'required for task_update');
    need(
      'status',
      (TASK_UPDATE_STATUSES as readonly string[]).includes(dto.status ?? ''),
      `must be one of ${TASK_UPDATE_STATUSES.join(', ')}`,
    );
  }
  if (type === 'message_send') {
    need('message', Boolean(dto.message), 'required for message_send');
    need('veId', hasVe, 'veId or agentName is required for message_send (the VE that speaks)');
  }
  if (type === 'agent_status') {
    need('veId', hasVe, 'veId or agentName is required for agent_status');
    need(
      'status',
      Boolean(dto.status && AGENT_STATUS_ALIASES[dto.status]),
      `must be one of ${Object.keys(AGENT_STATUS_ALIASES).join(', ')}`,
    );
  }
  if (type === 'delegation') {
    need('taskId', Boolean(dto.taskId), 'required for delegation (the parent task)');
    need('delegation', Boolean(dto.delegation), 'required for delegation');
    if (dto.delegation)
      need(
        'delegation.toVeId',
        Boolean(dto.delegation.toVeId || dto.delegation.toAgent),
        'toVeId or toAgent is required',
      );
  }
  if (type === 'error') {
    need('taskId', Boolean(dto.taskId), 'required for error');
    need('error', Boolean(dto.error), 'required for error');
  }
  if (type === 'token_usage')
    need(
      'usage',
      Boolean(dto.usage),
      'model, inputTokens and outputTokens are required for token_usage',
    );
  if (dto.result !== undefined && !isResult(dto.result)) {
    problems.push({
      field: 'result',
      problems: ['must be a string or an object with a text string'],
    });
  }
  return problems;
}

function isResult(v: unknown): v is AgentCallback['result'] {
  if (typeof v === 'string') return v.length <= 1_000_000;
  return (
    isPlainObject(v) &&
    typeof v.text === 'string' &&
    (v.artifacts === undefined || Array.isArray(v.artifacts))
  );
}

function toCallback(dto: AgentCallbackDto): AgentCallback {
  const out: AgentCallback = { eventType: dto.eventType, customerId: dto.customerId.toLowerCase() };
  if (dto.taskId) out.taskId = dto.taskId.toLowerCase();
  if (dto.veId) out.veId = dto.veId.toLowerCase();
  if (dto.agentName) out.agentName = dto.agentName;
  if (dto.status)
    out.status =
      dto.eventType === 'agent_status'
        ? AGENT_STATUS_ALIASES[dto.status]
        : (dto.status as TaskUpdateStatus);
  if (dto.result !== undefined) out.result = dto.result as AgentCallback['result'];
  if (dto.error) out.error = dto.error;
  if (dto.message) out.message = dto.message;
  if (dto.delegation)
    out.delegation = { ...dto.delegation, toVeId: dto.delegation.toVeId?.toLowerCase() };
  if (dto.usage) out.usage = { ...dto.usage };
  if (dto.metadata) out.metadata = dto.metadata;
  if (dto.occurredAt) out.occurredAt = dto.occurredAt;
  return JSON.parse(JSON.stringify(out)) as AgentCallback;
}

export function flatten(errors: ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const own = e.constraints ? [{ field, problems: Object.values(e.constraints) }] : [];
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
