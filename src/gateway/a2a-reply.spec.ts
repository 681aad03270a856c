import { Role, TaskState, type Message, type Part, type StreamResponse } from '@a2a-js/sdk';
import { MalformedReplyError } from './a2a-errors';
import { mapReply, ReplyAccumulator } from './a2a-reply';

const text = (value: string): Part => ({
  content: { $case: 'text', value },
  metadata: undefined,
  filename: '',
  mediaType: 'text/plain',
});
const agentMsg = (value: string): Message => ({
  messageId: value,
  contextId: 'c',
  taskId: 't',
  role: Role.ROLE_AGENT,
  parts: [text(value)],
  metadata: undefined,
  extensions: [],
  referenceTaskIds: [],
});
const statusEvent = (state: TaskState, message?: Message): StreamResponse => ({
  payload: {
    $case: 'statusUpdate',
    value: {
      taskId: 't',
      contextId: 'c',
      status: { state, message, timestamp: undefined },
      metadata: undefined,
    },
  },
});

function fold(...events: StreamResponse[]) {
  const acc = new ReplyAccumulator();
  for (const e of events) acc.add(e);
  return mapReply(acc.result());
}

describe('A2A reply mapping', () => {
  it('completes with the artifacts text, streamed in chunks', () => {
    const chunk = (value: string, append: boolean): StreamResponse => ({
      payload: {
        $case: 'artifactUpdate',
        value: {
          taskId: 't',
          contextId: 'c',
          artifact: {
            artifactId: 'a',
            name: 'report',
            description: '',
            parts: [text(value)],
            metadata: undefined,
            extensions: [],
          },
          append,
          lastChunk: !append,
          metadata: undefined,
        },
      },
    });
    const out = fold(
      statusEvent(TaskState.TASK_STATE_WORKING),
      chunk('Hello ', false),
      chunk('world', true),
      statusEvent(TaskState.TASK_STATE_COMPLETED),
    );
    expect(out).toEqual({
      kind: 'completed',
      text: 'Hello \nworld',
      a2aTaskId: 't',
      artifacts: [
        {
          artifactId: 'a',
          name: 'report',
          parts: [
            { kind: 'text', text: 'Hello ' },
            { kind: 'text', text: 'world' },
          ],
        },
      ],
    });
  });

  it('completes with the last agent message when there is no artifact', () => {
    expect(fold(statusEvent(TaskState.TASK_STATE_COMPLETED, agentMsg('done it')))).toMatchObject({
      kind: 'completed',
      text: 'done it',
    });
  });

  it('maps failed, rejected and canceled to a failure with the agent reason', () => {
    expect(fold(statusEvent(TaskState.TASK_STATE_FAILED, agentMsg('quota')))).toEqual({
      kind: 'failed',
      reason: 'quota',
      a2aState: 'failed',
      a2aTaskId: 't',
    });
    expect(fold(statusEvent(TaskState.TASK_STATE_REJECTED))).toMatchObject({
      kind: 'failed',
      a2aState: 'rejected',
      reason: 'the agent reported the task rejected',
    });
    expect(fold(statusEvent(TaskState.TASK_STATE_CANCELED))).toMatchObject({
      a2aState: 'canceled',
    });
  });

  it('maps input-required to a question and working to the A2A task id', () => {
    expect(
      fold(statusEvent(TaskState.TASK_STATE_INPUT_REQUIRED, agentMsg('Which region?'))),
    ).toEqual({ kind: 'input-required', message: 'Which region?', a2aTaskId: 't' });
    expect(fold(statusEvent(TaskState.TASK_STATE_WORKING))).toEqual({
      kind: 'working',
      a2aTaskId: 't',
    });
  });

  it('completes a plain Message reply; its data parts become an artifact', () => {
    const message: Message = {
      ...agentMsg('answer'),
      parts: [
        text('answer'),
        {
          content: { $case: 'data', value: { a: 1 } },
          metadata: undefined,
          filename: '',
          mediaType: 'application/json',
        },
      ],
    };
    expect(fold({ payload: { $case: 'message', value: message } })).toMatchObject({
      kind: 'completed',
      text: 'answer',
      artifacts: [{ parts: [{ kind: 'data', data: { a: 1 } }] }],
    });
  });

  it('refuses replies it cannot use', () => {
    expect(() => new ReplyAccumulator().result()).toThrow(MalformedReplyError);
    expect(() => new ReplyAccumulator().add({ payload: undefined })).toThrow(MalformedReplyError);
    expect(() => fold(statusEvent(TaskState.UNRECOGNIZED))).toThrow(MalformedReplyError);
  });
});
