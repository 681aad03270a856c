import { ValidationFailedError } from '../common/domain-errors';
import { validateUsageEvent } from './usage-event';

const base = {
  customerId: '6b1d2d4e-8a53-4c1b-9d3c-7e0f0a1b2c3d',
  model: 'gpt-4o',
  inputTokens: 10,
  outputTokens: 5,
  source: 'callback',
  sourceEventId: 'evt-1',
};

describe('validateUsageEvent', () => {
  it('accepts a good event and fills its time', () => {
    const now = new Date('2026-11-26T10:00:00Z');
    expect(validateUsageEvent({ ...base, model: ' gpt-4o ' }, now)).toEqual({
      ...base,
      veId: null,
      taskId: null,
      occurredAt: now,
    });
  });

  it('names every bad field at once', () => {
    const bad = {
      ...base,
      model: ' ',
      inputTokens: -1,
      outputTokens: 1.5,
      veId: 'x',
      sourceEventId: '',
    };
    try {
      validateUsageEvent(bad);
      throw new Error('expected a validation error');
    } catch (err) {
      expect(err).toBeInstanceOf(ValidationFailedError);
      const fields = ((err as ValidationFailedError).details as Array<{ field: string }>).map(
        (d) => d.field,
      );
      expect(fields.sort()).toEqual([
        'inputTokens',
        'model',
        'outputTokens',
        'sourceEventId',
        'veId',
      ]);
    }
  });

  it('refuses token counts that are not safe integers', () => {
    expect(() => validateUsageEvent({ ...base, inputTokens: Number.MAX_SAFE_INTEGER + 1 })).toThrow(
      ValidationFailedError,
    );
    expect(() => validateUsageEvent({ ...base, inputTokens: '10' as unknown as number })).toThrow(
      ValidationFailedError,
    );
  });
});
