import { MicroBatcher } from './micro-batcher';

describe('MicroBatcher', () => {
  it('flushes the calls of one event-loop turn together, results in order', async () => {
    const flushes: number[][] = [];
    const b = new MicroBatcher<number, number>(async (items) => {
      flushes.push(items);
      return items.map((i) => i * 10);
    });
    await expect(Promise.all([b.add(1), b.add(2), b.add(3)])).resolves.toEqual([10, 20, 30]);
    expect(flushes).toEqual([[1, 2, 3]]);
  });

  it('fails only the items whose outcome is an Error', async () => {
    const b = new MicroBatcher<number, number>(async (items) =>
      items.map((i) => (i === 2 ? new Error('two') : i)),
    );
    const results = await Promise.allSettled([b.add(1), b.add(2), b.add(3)]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  it('fails the whole batch when the flush throws, and keeps working after', async () => {
    let fail = true;
    const b = new MicroBatcher<number, number>(async (items) => {
      if (fail) throw new Error('down');
      return items;
    });
    await expect(Promise.all([b.add(1), b.add(2)])).rejects.toThrow('down');
    fail = false;
    await expect(b.add(3)).resolves.toBe(3);
  });

  it('queues calls while a flush runs and sends them as the next batch', async () => {
    const flushes: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const b = new MicroBatcher<number, number>(async (items) => {
      flushes.push(items);
      if (flushes.length === 1) await gate;
      return items;
    });
    const first = b.add(1);
    await new Promise((r) => setImmediate(r));
    const later = [b.add(2), b.add(3)];
    await new Promise((r) => setImmediate(r));
    expect(flushes).toEqual([[1]]);
    release();
    await Promise.all([first, ...later]);
    expect(flushes).toEqual([[1], [2, 3]]);
  });
});
