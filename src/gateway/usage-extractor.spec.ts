import { Role, TaskState, type Message, type StreamResponse, type Task } from '@a2a-js/sdk';
import { readUsage, toUsageEvents, UsageCollector } from './usage-extractor';

const msg = (id: string, metadata?: Record<string, unknown>): Message => ({
  messageId: id,
  contextId: 'ctx',
  taskId: 't1',
  role: Role.ROLE_AGENT,
  parts: [
    {
      content: { $case: 'text', value: id },
      metadata: undefined,
      filename: '',
      mediaType: 'text/plain',
    },
  ],
  metadata,
  extensions: [],
  referenceTaskIds: [],
});
const status = (
  state: TaskState,
  message?: Message,
  metadata?: Record<string, unknown>,
): StreamResponse => ({
  payload: {
    $case: 'statusUpdate',
    value: {
      taskId: 't1',
      contextId: 'ctx',
      status: { state, message, timestamp: undefined },
      metadata,
    },
  },
});
const task = (over: Partial<Task>): StreamResponse => ({
  payload: {
    $case: 'task',
    value: {
      id: 't1',
      contextId: 'ctx',
      status: undefined,
      artifacts: [],
      history: [],
      metadata: undefined,
      ...over,
    },
  },
});
const kagent = (prompt: number, candidates: number) => ({
  kagent_usage_metadata: {
    promptTokenCount: prompt,
    candidatesTokenCount: candidates,
    totalTokenCount: prompt + candidates,
  },
});

describe('readUsage', () => {
  it("reads the platform's metadata.usage", () => {
    expect(readUsage({ usage: { model: 'gpt-4o', inputTokens: 12, outputTokens: 3 } })).toEqual({
      model: 'gpt-4o',
      inputTokens: 12,
      outputTokens: 3,
      id: undefined,
    });
  });

  it('reads prompt/completion names and string numbers, and keeps an agent-given id', () => {
    expect(readUsage({ usage: { prompt_tokens: '7', completion_tokens: 2, id: 'u-1' } })).toEqual({
      model: undefined,
      inputTokens: 7,
      outputTokens: 2,
      id: 'u-1',
    });
  });

  it("reads kagent's ADK usage metadata in snake_case and camelCase, under kagent_ or adk_", () => {
    expect(
      readUsage({
        kagent_usage_metadata: {
          prompt_token_count: 100,
          candidates_token_count: 20,
          total_token_count: 120,
        },
      }),
    ).toMatchObject({ inputTokens: 100, outputTokens: 20 });
    expect(
      readUsage({
        adk_usage_metadata: { promptTokenCount: 5, candidatesTokenCount: 6, thoughtsTokenCount: 4 },
      }),
    ).toMatchObject({ inputTokens: 5, outputTokens: 10 });
    expect(
      readUsage({ kagent_usage_metadata: { promptTokenCount: 5, totalTokenCount: 9 } }),
    ).toMatchObject({ inputTokens: 5, outputTokens: 4 });
  });

  it('ignores metadata without usable numbers', () => {
    expect(readUsage(undefined)).toBeUndefined();
    expect(readUsage({ usage: { model: 'x' } })).toBeUndefined();
    expect(readUsage({ kagent_usage_metadata: { promptTokenCount: -3 } })).toBeUndefined();
  });
});

describe('UsageCollector', () => {
  it('sums every kagent event once, not the repeat on the completed task', () => {
    const c = new UsageCollector();
    c.add(
      task({
        status: { state: TaskState.TASK_STATE_SUBMITTED, message: undefined, timestamp: undefined },
      }),
    );
    c.add(status(TaskState.TASK_STATE_WORKING, msg('m1'), kagent(690, 32)));
    c.add(status(TaskState.TASK_STATE_WORKING, msg('m2', kagent(931, 40))));
    c.add(status(TaskState.TASK_STATE_COMPLETED, undefined, kagent(1000, 50)));
    // A final task snapshot repeats the messages (already counted) and the last call in its metadata.
    c.add(
      task({
        history: [msg('m1', kagent(690, 32)), msg('m2', kagent(931, 40))],
        metadata: kagent(1000, 50),
      }),
    );
    const records = c.records();
    expect(records.map((r) => r.inputTokens).reduce((a, b) => a + b)).toBe(690 + 931 + 1000);
    expect(records.map((r) => r.outputTokens).reduce((a, b) => a + b)).toBe(32 + 40 + 50);
  });

  it('does not count a report on both an event and its message twice', () => {
    const c = new UsageCollector();
    c.add(
      status(
        TaskState.TASK_STATE_COMPLETED,
        msg('m1', { usage: { inputTokens: 10, outputTokens: 2 } }),
        { usage: { inputTokens: 10, outputTokens: 2 } },
      ),
    );
    expect(c.records()).toHaveLength(1);
  });

  it("counts the task's own usage when nothing finer was reported", () => {
    const c = new UsageCollector();
    c.add(
      task({
        status: {
          state: TaskState.TASK_STATE_COMPLETED,
          message: msg('done'),
          timestamp: undefined,
        },
        metadata: { usage: { model: 'm', inputTokens: 4, outputTokens: 1 } },
      }),
    );
    expect(c.records()).toEqual([
      { key: 'task', model: 'm', inputTokens: 4, outputTokens: 1, id: undefined },
    ]);
  });

  it('turns records into UsageEvents with stable source ids, agent ids verbatim, zero reports dropped', () => {
    const events = toUsageEvents(
      [
        { key: 'msg:m1', inputTokens: 3, outputTokens: 1 },
        { key: 'evt:2', model: 'claude', inputTokens: 5, outputTokens: 0, id: 'agent-usage-9' },
        { key: 'evt:3', inputTokens: 0, outputTokens: 0 },
      ],
      { customerId: 'c', veId: 'v', taskId: 't', defaultModel: 'gpt-4o-mini', scope: 'a2a-task-1' },
    );
    expect(events).toEqual([
      expect.objectContaining({
        sourceEventId: 'a2a:a2a-task-1:msg:m1',
        model: 'gpt-4o-mini',
        source: 'a2a',
        taskId: 't',
        veId: 'v',
        customerId: 'c',
      }),
      expect.objectContaining({ sourceEventId: 'agent-usage-9', model: 'claude', inputTokens: 5 }),
    ]);
  });
});
