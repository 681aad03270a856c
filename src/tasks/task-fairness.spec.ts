import { fairPriorities, fairPriority, waitingAtOrAbove } from './task-fairness';

describe('fair task priorities', () => {
  it('keeps the plain levels while a customer has little waiting', () => {
    expect(['urgent', 'high', 'medium', 'low'].map((l) => fairPriority(l as never, 0, 50))).toEqual(
      [1, 2, 3, 4],
    );
  });

  it('moves a burst into later bands, so a newcomer overtakes it', () => {
    const burst = fairPriorities(Array(3000).fill('medium'), {}, 50);
    expect(burst[0]).toBe(3);
    expect(burst[49]).toBe(3);
    expect(burst[50]).toBe(7);
    expect(burst[2999]).toBe(59 * 4 + 3);
    const newcomer = fairPriorities(['medium'], {}, 50)[0]!;
    expect(burst.filter((p) => p <= newcomer)).toHaveLength(50);
  });

  it('lets a customer urgent task jump its own backlog of less urgent ones', () => {
    const backlog = { medium: 2000, low: 500 };
    expect(waitingAtOrAbove(backlog, 'urgent')).toBe(0);
    expect(fairPriorities(['urgent'], backlog, 50)[0]).toBe(1);
    expect(fairPriorities(['low'], backlog, 50)[0]).toBe(50 * 4 + 4);
  });

  it('never exceeds what BullMQ accepts', () => {
    expect(fairPriority('low', 10 ** 12, 1)).toBeLessThan(2 ** 21);
  });
});
