import { Role, TaskState, type Message, type Part } from '@a2a-js/sdk';
import {
  AgentEvent,
  type AgentExecutor,
  type ExecutionEventBus,
  type RequestContext,
} from '@a2a-js/sdk/server';
import type { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { isRouteRequest, type RouteRequestData } from '../../orchestrator/routing-protocol';
import { dataPart, textPart } from '../a2a-request';
import { textOf } from '../a2a-reply';
import type { SandboxCallbacks } from './sandbox-callbacks';
import {
  parseDirectives,
  sandboxResult,
  sandboxUsage,
  type SandboxDirectives,
} from './sandbox-directives';
import { routeInSandbox } from './sandbox-router';

const DEFAULT_MODEL = 'gpt-4o-mini';

/** What the platform put in the message metadata (the agent contract). */
interface PlatformMetadata {
  taskId?: string;
  customerId?: string;
  veId?: string;
  callbackUrl?: string;
  model?: string;
}

interface Turn {
  taskId: string;
  contextId: string;
  bus: ExecutionEventBus;
  meta: PlatformMetadata;
  model: string;
}

const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);

/**
 * The built-in sandbox agent: deterministic, no LLM. Completes a task with a short result derived
 * from its text and plausible token usage (metadata.usage), and obeys the directives of
 * sandbox-directives.ts; answers orchestrator routing requests by skill words.
 */
export class SandboxAgentExecutor implements AgentExecutor {
  private readonly running = new Map<string, { abort: AbortController; contextId: string }>();

  constructor(
    private readonly agentName: string,
    private readonly callbacks: SandboxCallbacks,
    private readonly logger: Logger,
  ) {}

  execute = async (ctx: RequestContext, bus: ExecutionEventBus): Promise<void> => {
    const user = ctx.userMessage;
    const m = (user.metadata ?? {}) as Record<string, unknown>;
    const meta: PlatformMetadata = {
      taskId: str(m.taskId),
      customerId: str(m.customerId),
      veId: str(m.veId),
      callbackUrl: str(m.callbackUrl),
      model: str(m.model),
    };
    const turn: Turn = {
      taskId: ctx.taskId,
      contextId: ctx.contextId,
      bus,
      meta,
      model: meta.model ?? DEFAULT_MODEL,
    };
    const text = textOf(user.parts);
    const data = user.parts.find((p) => p.content?.$case === 'data')?.content?.value as unknown;
    // A routing answer is a plain Message: no task lifecycle.
    if (isRouteRequest(data)) return this.route(turn, text, data);
    if (!ctx.task) {
      bus.publish(
        AgentEvent.task({
          id: ctx.taskId,
          contextId: ctx.contextId,
          status: {
            state: TaskState.TASK_STATE_SUBMITTED,
            message: undefined,
            timestamp: new Date().toISOString(),
          },
          artifacts: [],
          history: [user],
          metadata: { sandbox: true },
        }),
      );
    }
    const directives = parseDirectives(text);
    this.status(turn, TaskState.TASK_STATE_WORKING);
    const abort = new AbortController();
    this.running.set(ctx.taskId, { abort, contextId: ctx.contextId });
    try {
      // Unref'd: a sandbox task asleep never holds the process open at shutdown.
      if (directives.slowMs)
        await sleep(directives.slowMs, undefined, { signal: abort.signal, ref: false });
      await this.finish(turn, text, directives);
    } catch (err) {
      // Cancelled while sleeping: cancelTask has already published the canceled state.
      if (!abort.signal.aborted) throw err;
    } finally {
      this.running.delete(ctx.taskId);
    }
  };

  cancelTask = async (taskId: string, bus: ExecutionEventBus): Promise<void> => {
    const run = this.running.get(taskId);
    run?.abort.abort();
    bus.publish(
      AgentEvent.statusUpdate({
        taskId,
        contextId: run?.contextId ?? '',
        status: {
          state: TaskState.TASK_STATE_CANCELED,
          message: undefined,
          timestamp: new Date().toISOString(),
        },
        metadata: {},
      }),
    );
  };

  private async finish(turn: Turn, text: string, d: SandboxDirectives): Promise<void> {
    const usageFor = (answer: string) => sandboxUsage(turn.model, text, answer);
    if (d.fail) {
      const reason = `[sandbox] ${this.agentName} failed as instructed by the [fail] directive`;
      return this.status(turn, TaskState.TASK_STATE_FAILED, reason, usageFor(reason));
    }
    if (d.input) {
      const question = `[sandbox] ${this.agentName} needs more input: which outcome do you expect for "${d.text.split('\n')[0]}"?`;
      return this.status(turn, TaskState.TASK_STATE_INPUT_REQUIRED, question, usageFor(question));
    }
    if (d.delegateTo) return this.delegate(turn, d.delegateTo, d.text);
    const result = sandboxResult(this.agentName, d.text);
    if (d.callbackAfterMs !== undefined)
      return this.completeByCallback(turn, result, usageFor(result), d.callbackAfterMs);
    turn.bus.publish(
      AgentEvent.artifactUpdate({
        taskId: turn.taskId,
        contextId: turn.contextId,
        artifact: {
          artifactId: randomUUID(),
          name: 'result',
          description: 'Sandbox result',
          parts: [textPart(result)],
          metadata: undefined,
          extensions: [],
        },
        append: false,
        lastChunk: true,
        metadata: {},
      }),
    );
    this.status(turn, TaskState.TASK_STATE_COMPLETED, result, usageFor(result));
  }

  private async delegate(turn: Turn, toAgent: string, text: string): Promise<void> {
    if (!turn.meta.callbackUrl || !turn.meta.taskId || !turn.meta.customerId) {
      return this.status(
        turn,
        TaskState.TASK_STATE_FAILED,
        '[sandbox] cannot delegate: the message metadata names no task, customer or callbackUrl',
      );
    }
    const title = (text.split('\n')[0] || `Delegated by ${this.agentName}`).slice(0, 200);
    try {
      await this.callbacks.send(turn.meta.callbackUrl, {
        eventType: 'delegation',
        customerId: turn.meta.customerId,
        taskId: turn.meta.taskId,
        veId: turn.meta.veId,
        agentName: this.agentName,
        delegation: { toAgent, title, description: text },
      });
    } catch (err) {
      return this.status(
        turn,
        TaskState.TASK_STATE_FAILED,
        `[sandbox] could not deliver the delegation callback: ${(err as Error).message}`,
      );
    }
    // The task stays working: the platform runs the child task and the parent follows it.
    this.status(
      turn,
      TaskState.TASK_STATE_WORKING,
      `[sandbox] ${this.agentName} delegated "${title}" to ${toAgent}`,
    );
  }

  private completeByCallback(
    turn: Turn,
    result: string,
    usage: ReturnType<typeof sandboxUsage>,
    delayMs: number,
  ): void {
    const { callbackUrl, taskId, customerId, veId } = turn.meta;
    if (!callbackUrl || !taskId || !customerId) {
      return this.status(
        turn,
        TaskState.TASK_STATE_FAILED,
        '[sandbox] cannot call back: the message metadata names no task, customer or callbackUrl',
      );
    }
    // Sent after the synchronous "working" reply, like an agent finishing in the background.
    setTimeout(() => {
      this.callbacks
        .send(callbackUrl, {
          eventType: 'task_update',
          customerId,
          taskId,
          veId,
          agentName: this.agentName,
          status: 'completed',
          result,
          usage,
        })
        .catch((err: Error) =>
          this.logger.error(
            `sandbox ${this.agentName}: task_update callback for ${taskId} failed: ${err.message}`,
          ),
        );
    }, delayMs).unref();
    this.status(
      turn,
      TaskState.TASK_STATE_WORKING,
      `[sandbox] ${this.agentName} is working; the result follows by callback`,
    );
  }

  private route(turn: Turn, text: string, request: RouteRequestData): void {
    const answer = routeInSandbox(request, parseDirectives(text).routeTo);
    const reply = JSON.stringify(answer);
    const message = this.message(
      turn,
      [textPart(reply), dataPart(answer)],
      sandboxUsage(turn.model, text, reply),
    );
    turn.bus.publish(AgentEvent.message({ ...message, taskId: '' }));
  }

  private status(
    turn: Turn,
    state: TaskState,
    text?: string,
    usage?: ReturnType<typeof sandboxUsage>,
  ): void {
    turn.bus.publish(
      AgentEvent.statusUpdate({
        taskId: turn.taskId,
        contextId: turn.contextId,
        status: {
          state,
          message: text ? this.message(turn, [textPart(text)], usage) : undefined,
          timestamp: new Date().toISOString(),
        },
        metadata: {},
      }),
    );
  }

  private message(turn: Turn, parts: Part[], usage?: ReturnType<typeof sandboxUsage>): Message {
    return {
      messageId: randomUUID(),
      contextId: turn.contextId,
      taskId: turn.taskId,
      role: Role.ROLE_AGENT,
      parts,
      metadata: { sandbox: true, ...(usage ? { usage } : {}) },
      extensions: [],
      referenceTaskIds: [],
    };
  }
}
