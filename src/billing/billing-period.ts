/** Calendar helpers for billing, all in UTC: days are 'YYYY-MM-DD', months (periods) 'YYYY-MM'. */
export const PERIOD = /^(\d{4})-(0[1-9]|1[0-2])$/;
export const DAY = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** A half-open range of UTC days: `from` included, `to` excluded. */
export interface DayRange {
  from: string;
  to: string;
}

/** The UTC day of an instant. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** The billing period (UTC month) of an instant or a day. */
export function periodOf(at: Date | string): string {
  return (typeof at === 'string' ? at : utcDay(at)).slice(0, 7);
}

/** The days of a period: its first day and the first day of the next month. */
export function periodRange(period: string): DayRange {
  const match = PERIOD.exec(period);
  if (!match) throw new RangeError(`not a period (YYYY-MM): ${period}`);
  const year = Number(match[1]);
  const month = Number(match[2]);
  const next = month === 12 ? `${year + 1}-01` : `${year}-${String(month + 1).padStart(2, '0')}`;
  return { from: `${period}-01`, to: `${next}-01` };
}

/** True for a real calendar day (rejects 2026-02-30, which the pattern alone would let through). */
export function isDay(value: string): boolean {
  return DAY.test(value) && utcDay(new Date(`${value}T00:00:00Z`)) === value;
}

/** Midnight UTC starting a day, for comparisons with timestamps. */
export function dayStart(day: string): Date {
  return new Date(`${day}T00:00:00Z`);
}

/** Whole days between two days (to − from). */
export function daysBetween(from: string, to: string): number {
  return Math.round((dayStart(to).getTime() - dayStart(from).getTime()) / 86_400_000);
}
