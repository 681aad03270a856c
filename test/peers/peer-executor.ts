import { Role, TaskState, type Message, type Part } from '@a2a-js/sdk';
import {
  AgentEvent,
  type AgentExecutor,
  type ExecutionEventBus,
  type RequestContext,
} from '@a2a-js/sdk/server';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

export type PeerUsageStyle = 'metadata.usage' | 'kagent';

/** What the peer answers to a platform routing request (`{ type: 've.route-request' }` data part). */
export interface PeerBehaviour {
  routeAnswer?: (request: {
    candidates: Array<{ veId: string; agentName: string; skills: string[] }>;
  }) => { text?: string; data?: unknown };
}

/** Usage the test peers report, so tests can check what billing receives. */
export const PEER_USAGE = {
  v1: { model: 'peer-model-1', inputTokens: 11, outputTokens: 7 },
  /** kagent style: three model calls reported per event (620 in, 130 out); the task repeats a summary that must not count. */
  kagentCalls: [
    { prompt: 120, candidates: 30 },
    { prompt: 200, candidates: 40 },
    { prompt: 300, candidates: 60 },
  ],
  kagentTaskSummary: { promptTokenCount: 1000, candidatesTokenCount: 50, totalTokenCount: 1050 },
};

const text = (value: string): Part => ({
  content: { $case: 'text', value },
  metadata: undefined,
  filename: '',
  mediaType: 'text/plain',
});

/** The test agent's behaviour, driven by words in the task text: [fail], [input], [slow:<ms>]. */
export class PeerExecutor implements AgentExecutor {
  private readonly aborts = new Map<string, AbortController>();

  constructor(
    private readonly agent: string,
    private readonly protocol: string,
    private readonly usage: PeerUsageStyle,
    private readonly behaviour: PeerBehaviour,
  ) {}

  execute = async (ctx: RequestContext, bus: ExecutionEventBus): Promise<void> => {
    const { taskId, contextId } = ctx;
    const input = ctx.userMessage.parts
      .map((p) => (p.content?.$case === 'text' ? p.content.value : ''))
      .filter(Boolean)
      .join('\n');
    const data = ctx.userMessage.parts.find((p) => p.content?.$case === 'data')?.content?.value as
      { type?: string } | undefined;
    const message = (value: string, metadata?: Record<string, unknown>): Message => ({
      messageId: randomUUID(),
      contextId,
      taskId,
      role: Role.ROLE_AGENT,
      parts: [text(value)],
      metadata,
      extensions: [],
      referenceTaskIds: [],
    });
    const status = (state: TaskState, msg?: Message, metadata?: Record<string, unknown>) =>
      bus.publish(
        AgentEvent.statusUpdate({
          taskId,
          contextId,
          status: { state, message: msg, timestamp: new Date().toISOString() },
          metadata,
        }),
      );
    const artifact = (parts: Part[]) =>
      bus.publish(
        AgentEvent.artifactUpdate({
          taskId,
          contextId,
          artifact: {
            artifactId: randomUUID(),
            name: 'result',
            description: '',
            parts,
            metadata: undefined,
            extensions: [],
          },
          append: false,
          lastChunk: true,
          metadata: undefined,
        }),
      );

    bus.publish(
      AgentEvent.task({
        id: taskId,
        contextId,
        status: {
          state: TaskState.TASK_STATE_SUBMITTED,
          message: undefined,
          timestamp: new Date().toISOString(),
        },
        artifacts: [],
        history: [ctx.userMessage],
        metadata:
          this.usage === 'kagent'
            ? { kagent_usage_metadata: PEER_USAGE.kagentTaskSummary }
            : undefined,
      }),
    );

    if (data?.type === 've.route-request') {
      const answer = this.behaviour.routeAnswer?.(data as never) ?? { text: 'I have no opinion.' };
      artifact([
        ...(answer.text ? [text(answer.text)] : []),
        ...(answer.data
          ? [{ ...text(''), content: { $case: 'data' as const, value: answer.data } }]
          : []),
      ]);
      status(TaskState.TASK_STATE_COMPLETED);
      return;
    }

    status(TaskState.TASK_STATE_WORKING);
    const slow = /\[slow:(\d+)\]/.exec(input);
    if (slow) {
      const abort = new AbortController();
      this.aborts.set(taskId, abort);
      try {
        await sleep(Number(slow[1]), undefined, { signal: abort.signal });
      } catch {
        return;
      } finally {
        this.aborts.delete(taskId);
      }
    }
    if (input.includes('[fail]'))
      return status(TaskState.TASK_STATE_FAILED, message('peer failure: quota exceeded'));
    if (input.includes('[input]'))
      return status(
        TaskState.TASK_STATE_INPUT_REQUIRED,
        message('Which region should the report cover?'),
      );

    const result = `${this.agent} (A2A ${this.protocol} peer) did: ${input}`;
    if (this.usage === 'kagent') {
      const [first, second, last] = PEER_USAGE.kagentCalls;
      // ADK style: usage on the message (camelCase), on the event (snake_case), then on the final message.
      status(
        TaskState.TASK_STATE_WORKING,
        message('thinking', {
          kagent_usage_metadata: {
            promptTokenCount: first!.prompt,
            candidatesTokenCount: first!.candidates,
          },
        }),
      );
      status(TaskState.TASK_STATE_WORKING, undefined, {
        kagent_usage_metadata: {
          prompt_token_count: second!.prompt,
          candidates_token_count: second!.candidates,
        },
      });
      artifact([text(result)]);
      status(
        TaskState.TASK_STATE_COMPLETED,
        message('done', {
          kagent_usage_metadata: {
            promptTokenCount: last!.prompt,
            candidatesTokenCount: last!.candidates,
          },
        }),
      );
      return;
    }
    artifact([text(result)]);
    status(TaskState.TASK_STATE_COMPLETED, message('done', { usage: PEER_USAGE.v1 }));
  };

  /** Ends every slow task still sleeping (the peer is shutting down). */
  abortAll(): void {
    for (const abort of this.aborts.values()) abort.abort();
  }

  cancelTask = async (taskId: string, bus: ExecutionEventBus): Promise<void> => {
    this.aborts.get(taskId)?.abort();
    bus.publish(
      AgentEvent.statusUpdate({
        taskId,
        contextId: '',
        status: {
          state: TaskState.TASK_STATE_CANCELED,
          message: undefined,
          timestamp: new Date().toISOString(),
        },
        metadata: undefined,
      }),
    );
  };
}
