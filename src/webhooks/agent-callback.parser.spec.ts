import { ValidationFailedError } from '../common/domain-errors';
import { normaliseKeys, parseAgentCallback } from './agent-callback.parser';

const CUSTOMER = '0b6f8f3e-8a4e-4c1e-9d7e-1f2a3b4c5d6e';
const TASK = '1c7a9b2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d';
const VE = '2d8b0c3e-4f5a-4b6c-9d7e-8f9a0b1c2d3e';

function problemsOf(fn: () => unknown): Array<{ field: string; problems: string[] }> {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationFailedError);
    return (err as ValidationFailedError).details as Array<{ field: string; problems: string[] }>;
  }
  throw new Error('expected a validation failure');
}

describe('parseAgentCallback', () => {
  it("accepts the original guide's snake_case task_update", () => {
    const cb = parseAgentCallback(
      {
        event_type: 'task_update',
        customer_id: CUSTOMER,
        task_id: TASK,
        status: 'completed',
        result: 'Task completed successfully',
      },
      'agent-callback',
    );
    expect(cb).toEqual({
      eventType: 'task_update',
      customerId: CUSTOMER,
      taskId: TASK,
      status: 'completed',
      result: 'Task completed successfully',
    });
  });

  it('accepts camelCase and nested snake_case usage', () => {
    const cb = parseAgentCallback(
      {
        eventType: 'message_send',
        customerId: CUSTOMER,
        veId: VE,
        message: 'hi',
        usage: { model: 'm', input_tokens: 3, output_tokens: 4 },
      },
      'agent-callback',
    );
    expect(cb.usage).toEqual({ model: 'm', inputTokens: 3, outputTokens: 4 });
  });

  it('lifts the flat token-usage body into usage and accepts OpenAI-style aliases', () => {
    const cb = parseAgentCallback(
      { customer_id: CUSTOMER, model: 'gpt', prompt_tokens: 10, completion_tokens: 5 },
      'token-usage',
    );
    expect(cb).toEqual({
      eventType: 'token_usage',
      customerId: CUSTOMER,
      usage: { model: 'gpt', inputTokens: 10, outputTokens: 5 },
    });
  });

  it('names every problem at once', () => {
    const problems = problemsOf(() =>
      parseAgentCallback(
        { event_type: 'task_update', customer_id: 'nope', status: 'done', extra: 1 },
        'agent-callback',
      ),
    );
    const fields = problems.map((p) => p.field).sort();
    expect(fields).toEqual(['customerId', 'extra', 'status', 'taskId']);
  });

  it('requires a target for a delegation and a VE for a message', () => {
    const d = problemsOf(() =>
      parseAgentCallback(
        { eventType: 'delegation', customerId: CUSTOMER, taskId: TASK, delegation: { title: 'x' } },
        'agent-callback',
      ),
    );
    expect(d.map((p) => p.field)).toEqual(['delegation.toVeId']);
    const m = problemsOf(() =>
      parseAgentCallback(
        { eventType: 'message_send', customerId: CUSTOMER, message: 'hi' },
        'agent-callback',
      ),
    );
    expect(m.map((p) => p.field)).toEqual(['veId']);
  });

  it('maps agent status dialects onto VE statuses', () => {
    const cb = parseAgentCallback(
      { event_type: 'agent_status', customer_id: CUSTOMER, agent_name: 'writer', status: 'online' },
      'agent-callback',
    );
    expect(cb.status).toBe('ready');
    expect(cb.agentName).toBe('writer');
  });

  it('refuses a result that is neither text nor { text }', () => {
    const p = problemsOf(() =>
      parseAgentCallback(
        {
          eventType: 'task_update',
          customerId: CUSTOMER,
          taskId: TASK,
          status: 'completed',
          result: 42,
        },
        'agent-callback',
      ),
    );
    expect(p.map((x) => x.field)).toEqual(['result']);
  });

  it('refuses a body that is not an object', () => {
    expect(problemsOf(() => parseAgentCallback([1, 2], 'agent-callback'))[0]!.field).toBe('(body)');
  });
});

describe('normaliseKeys', () => {
  it('refuses two spellings of one field with different values', () => {
    const problems: Array<{ field: string; problems: string[] }> = [];
    normaliseKeys({ customer_id: 'a', customerId: 'b' }, problems);
    expect(problems[0]!.field).toBe('customerId');
  });

  it('leaves the contents of result and metadata alone', () => {
    const out = normaliseKeys({ result: { text: 't', some_key: 1 }, metadata: { a_b: 1 } }, []);
    expect(out).toEqual({ result: { text: 't', some_key: 1 }, metadata: { a_b: 1 } });
  });
});
