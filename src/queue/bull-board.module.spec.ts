import { redactJobData } from './bull-board.module';

describe('redactJobData', () => {
  it('hides secrets at any depth and keeps the rest readable', () => {
    expect(
      redactJobData({
        taskId: 't1',
        pushToken: 'abc',
        headers: { Authorization: 'Bearer x', 'x-api-key': 'k', accept: 'json' },
        list: [{ secret: 's', keep: 1 }],
        webhookSignature: 'v1,zzz',
        password: 'p',
      }),
    ).toEqual({
      taskId: 't1',
      pushToken: '[redacted]',
      headers: { Authorization: '[redacted]', 'x-api-key': '[redacted]', accept: 'json' },
      list: [{ secret: '[redacted]', keep: 1 }],
      webhookSignature: '[redacted]',
      password: '[redacted]',
    });
  });

  it('leaves values that are not objects alone', () => {
    expect(redactJobData('token')).toBe('token');
    expect(redactJobData(null)).toBeNull();
    expect(redactJobData(3)).toBe(3);
  });
});
