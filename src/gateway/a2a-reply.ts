import {
  Role,
  TaskState,
  type Artifact,
  type Message,
  type Part,
  type StreamResponse,
  type Task,
} from '@a2a-js/sdk';
import { MalformedReplyError } from './a2a-errors';

/** What an agent finally answered: a Task (in whatever state it reached) or a plain Message. */
export type A2aReply = { kind: 'task'; task: Task } | { kind: 'message'; message: Message };

/** An A2A part as the platform stores it in task results (plain JSON, no protobuf oneofs). */
export type PlainPart =
  | { kind: 'text'; text: string }
  | { kind: 'data'; data: unknown }
  | { kind: 'file'; url?: string; bytes?: string; mediaType?: string; filename?: string };

export interface PlainArtifact {
  artifactId: string;
  name?: string;
  description?: string;
  parts: PlainPart[];
  metadata?: Record<string, unknown>;
}

/**
 * Folds a stream of A2A events (or a single non-streamed reply) into the final reply, applying
 * status and artifact updates to the task snapshot the way the spec describes.
 */
export class ReplyAccumulator {
  private task?: Task;
  private message?: Message;

  add(event: StreamResponse): void {
    const payload = event.payload;
    switch (payload?.$case) {
      case 'task':
        this.task = {
          ...payload.value,
          artifacts: [...(payload.value.artifacts ?? [])],
          history: [...(payload.value.history ?? [])],
        };
        return;
      case 'message':
        this.message = payload.value;
        return;
      case 'statusUpdate': {
        const task = this.ensureTask(payload.value.taskId, payload.value.contextId);
        if (task.status?.message) task.history.push(task.status.message);
        task.status = payload.value.status;
        return;
      }
      case 'artifactUpdate': {
        const task = this.ensureTask(payload.value.taskId, payload.value.contextId);
        const artifact = payload.value.artifact;
        if (!artifact) throw new MalformedReplyError('artifact update without an artifact');
        const at = task.artifacts.findIndex((a) => a.artifactId === artifact.artifactId);
        if (at < 0) task.artifacts.push(artifact);
        else if (payload.value.append)
          task.artifacts[at] = {
            ...task.artifacts[at]!,
            parts: [...task.artifacts[at]!.parts, ...artifact.parts],
          };
        else task.artifacts[at] = artifact;
        return;
      }
      default:
        throw new MalformedReplyError(
          'an A2A event carried neither a task, a message, nor an update',
        );
    }
  }

  result(): A2aReply {
    if (this.task) {
      if (!this.task.id || !this.task.status)
        throw new MalformedReplyError('the agent returned a task without id or status');
      return { kind: 'task', task: this.task };
    }
    if (this.message) return { kind: 'message', message: this.message };
    throw new MalformedReplyError('the agent ended the exchange without a task or a message');
  }

  private ensureTask(taskId: string, contextId: string): Task {
    if (!taskId) throw new MalformedReplyError('a task update without a task id');
    this.task ??= {
      id: taskId,
      contextId,
      status: undefined,
      artifacts: [],
      history: [],
      metadata: undefined,
    };
    return this.task;
  }
}

export function plainPart(part: Part): PlainPart | undefined {
  const c = part.content;
  switch (c?.$case) {
    case 'text':
      return { kind: 'text', text: c.value };
    case 'data':
      return { kind: 'data', data: c.value };
    case 'url':
      return {
        kind: 'file',
        url: c.value,
        mediaType: part.mediaType || undefined,
        filename: part.filename || undefined,
      };
    case 'raw':
      return {
        kind: 'file',
        bytes: Buffer.from(c.value).toString('base64'),
        mediaType: part.mediaType || undefined,
        filename: part.filename || undefined,
      };
    default:
      return undefined;
  }
}

export function textOf(parts: Part[] | undefined): string {
  return (parts ?? [])
    .map((p) => (p.content?.$case === 'text' ? p.content.value : ''))
    .filter(Boolean)
    .join('\n');
}

export function plainArtifact(a: Artifact): PlainArtifact {
  return {
    artifactId: a.artifactId,
    name: a.name || undefined,
    description: a.description || undefined,
    parts: a.parts.map(plainPart).filter((p): p is PlainPart => Boolean(p)),
    ...(a.metadata && Object.keys(a.metadata).length ? { metadata: a.metadata } : {}),
  };
}

/** The task's last agent message: where agents that do not use artifacts put their answer. */
function lastAgentText(task: Task): string {
  const fromStatus = textOf(task.status?.message?.parts);
  if (fromStatus) return fromStatus;
  const agentMessages = task.history.filter((m) => m.role === Role.ROLE_AGENT);
  return textOf(agentMessages.at(-1)?.parts);
}

export type MappedReply =
  | { kind: 'completed'; text: string; artifacts: PlainArtifact[]; a2aTaskId?: string }
  | { kind: 'failed'; reason: string; a2aState: string; a2aTaskId?: string }
  | { kind: 'input-required'; message: string; a2aTaskId?: string }
  | { kind: 'working'; a2aTaskId: string };

const FAILED: Partial<Record<TaskState, string>> = {
  [TaskState.TASK_STATE_FAILED]: 'failed',
  [TaskState.TASK_STATE_REJECTED]: 'rejected',
  [TaskState.TASK_STATE_CANCELED]: 'canceled',
};

/** Maps the agent's final reply to the platform's outcome kinds (ARCHITECTURE.md, "The agent contract"). */
export function mapReply(reply: A2aReply): MappedReply {
  if (reply.kind === 'message') {
    const parts = reply.message.parts ?? [];
    const extra = parts.filter((p) => p.content?.$case !== 'text');
    const artifacts = extra.length
      ? [
          plainArtifact({
            artifactId: reply.message.messageId || 'message',
            name: 'message',
            description: '',
            parts: extra,
            metadata: undefined,
            extensions: [],
          }),
        ]
      : [];
    return { kind: 'completed', text: textOf(parts), artifacts };
  }
  const task = reply.task;
  const state = task.status?.state;
  const a2aTaskId = task.id;
  if (state === TaskState.TASK_STATE_COMPLETED) {
    const artifacts = task.artifacts.map(plainArtifact);
    const fromArtifacts = task.artifacts
      .map((a) => textOf(a.parts))
      .filter(Boolean)
      .join('\n\n');
    return { kind: 'completed', text: fromArtifacts || lastAgentText(task), artifacts, a2aTaskId };
  }
  if (state !== undefined && FAILED[state]) {
    const a2aState = FAILED[state]!;
    const reason = textOf(task.status?.message?.parts) || `the agent reported the task ${a2aState}`;
    return { kind: 'failed', reason, a2aState, a2aTaskId };
  }
  if (
    state === TaskState.TASK_STATE_INPUT_REQUIRED ||
    state === TaskState.TASK_STATE_AUTH_REQUIRED
  ) {
    const asked = textOf(task.status?.message?.parts);
    const fallback =
      state === TaskState.TASK_STATE_AUTH_REQUIRED
        ? 'The agent needs authorization to continue'
        : 'The agent needs more input to continue';
    return { kind: 'input-required', message: asked || fallback, a2aTaskId };
  }
  if (state === TaskState.TASK_STATE_WORKING || state === TaskState.TASK_STATE_SUBMITTED) {
    return { kind: 'working', a2aTaskId };
  }
  throw new MalformedReplyError(`the agent returned a task in an unknown state (${String(state)})`);
}
