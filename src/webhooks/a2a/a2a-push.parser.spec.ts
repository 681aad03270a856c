import { ValidationFailedError } from '../../common/domain-errors';
import { normaliseState, parseA2aPush } from './a2a-push.parser';

const TASK = '1c7a9b2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d';

describe('parseA2aPush', () => {
  it('reads an A2A 0.3 Task (kind task, lowercase states, kind:text parts)', () => {
    const u = parseA2aPush({
      kind: 'task',
      id: 'agent-task-1',
      contextId: TASK,
      status: {
        state: 'completed',
        message: { kind: 'message', role: 'agent', parts: [{ kind: 'text', text: 'done' }] },
      },
      artifacts: [{ artifactId: 'a1', parts: [{ kind: 'text', text: 'the report' }] }],
      metadata: { usage: { model: 'gpt-4o', inputTokens: 10, outputTokens: 20 } },
    });
    expect(u).toMatchObject({
      platformTaskId: TASK,
      a2aTaskId: 'agent-task-1',
      state: 'completed',
      text: 'done\nthe report',
    });
    expect(u.usage).toEqual({ model: 'gpt-4o', inputTokens: 10, outputTokens: 20 });
  });

  it('reads an A2A 1.0 StreamResponse statusUpdate (TASK_STATE_ names, { text } parts)', () => {
    const u = parseA2aPush({
      statusUpdate: {
        taskId: 'agent-task-1',
        contextId: TASK,
        status: { state: 'TASK_STATE_FAILED', message: { parts: [{ text: 'boom' }] } },
      },
    });
    expect(u).toEqual({
      platformTaskId: TASK,
      a2aTaskId: 'agent-task-1',
      state: 'failed',
      text: 'boom',
    });
  });

  it('reads a 1.0 task with kagent ADK usage metadata and no model', () => {
    const u = parseA2aPush({
      task: {
        id: 'x',
        contextId: TASK,
        status: { state: 'TASK_STATE_WORKING' },
        metadata: { kagent_usage_metadata: { prompt_token_count: 5, candidates_token_count: 7 } },
      },
    });
    expect(u).toMatchObject({
      state: 'working',
      usage: { model: '', inputTokens: 5, outputTokens: 7 },
    });
  });

  it('finds the platform task in metadata when the contextId is the agent’s own', () => {
    expect(
      parseA2aPush({
        kind: 'task',
        id: 'x',
        contextId: 'ctx',
        status: { state: 'working' },
        metadata: { taskId: TASK },
      }).platformTaskId,
    ).toBe(TASK);
  });

  it('refuses a body naming no task', () => {
    expect(() => parseA2aPush({ hello: 'world' })).toThrow(ValidationFailedError);
  });

  it('normalises both spellings of states', () => {
    expect(normaliseState('TASK_STATE_INPUT_REQUIRED')).toBe('input-required');
    expect(normaliseState('input-required')).toBe('input-required');
  });
});
