import { daysBetween, isDay, periodOf, periodRange, utcDay } from './billing-period';

describe('billing periods (UTC)', () => {
  it('takes the UTC day and month of an instant', () => {
    const lateNewYearsEve = new Date('2026-12-31T23:30:00-05:00'); // 04:30 UTC on Jan 1st
    expect(utcDay(lateNewYearsEve)).toBe('2027-01-01');
    expect(periodOf(lateNewYearsEve)).toBe('2027-01');
    expect(periodOf('2026-11-15')).toBe('2026-11');
  });

  it('spans a month as [first day, first day of the next month)', () => {
    expect(periodRange('2026-11')).toEqual({ from: '2026-11-01', to: '2026-12-01' });
    expect(periodRange('2026-12')).toEqual({ from: '2026-12-01', to: '2027-01-01' });
    expect(() => periodRange('2026-13')).toThrow(RangeError);
  });

  it('accepts only real calendar days', () => {
    expect(isDay('2028-02-29')).toBe(true);
    expect(isDay('2026-02-29')).toBe(false);
    expect(isDay('2026-04-31')).toBe(false);
    expect(isDay('2026-4-01')).toBe(false);
    expect(isDay('2026-04-01T00:00:00Z')).toBe(false);
  });

  it('counts days between days', () => {
    expect(daysBetween('2026-01-01', '2027-01-01')).toBe(365);
    expect(daysBetween('2026-03-01', '2026-03-31')).toBe(30);
  });
});
