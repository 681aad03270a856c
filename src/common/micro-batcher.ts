/** What a flush returns for each item, in order: its result, or the Error that item alone fails with. */
export type BatchOutcome<O> = O | Error;

type Queued<I, O> = { item: I; resolve: (o: O) => void; reject: (e: unknown) => void };

/**
 * Groups calls into one flush (one SQL statement, one Redis pipeline) instead of a round trip
 * each, like a database's group commit: while `maxInFlight` flushes are running, calls queue up
 * and the next flush takes them all, so batches grow with the load by themselves. An idle batcher
 * flushes at the end of the current event-loop turn (setImmediate): at low load a batch holds one
 * item and waits for nothing. A flush that throws fails every item of its batch; per-item
 * failures are returned as Errors.
 */
export class MicroBatcher<I, O> {
  private queued: Array<Queued<I, O>> = [];
  private scheduled = false;
  private inFlight = 0;

  constructor(
    private readonly flush: (items: I[]) => Promise<Array<BatchOutcome<O>>>,
    private readonly opts: { maxSize?: number; maxInFlight?: number } = {},
  ) {}

  add(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queued.push({ item, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          this.drain();
        });
      }
    });
  }

  private drain(): void {
    const maxSize = this.opts.maxSize ?? 500;
    while (this.queued.length && this.inFlight < (this.opts.maxInFlight ?? 1)) {
      const batch = this.queued.splice(0, maxSize);
      this.inFlight++;
      this.run(batch).finally(() => {
        this.inFlight--;
        this.drain();
      });
    }
  }

  private async run(batch: Array<Queued<I, O>>): Promise<void> {
    try {
      const outcomes = await this.flush(batch.map((b) => b.item));
      batch.forEach((b, i) => {
        const o = outcomes[i];
        if (o instanceof Error) b.reject(o);
        else if (i >= outcomes.length) b.reject(new Error('batch flush returned too few results'));
        else b.resolve(o as O);
      });
    } catch (err) {
      batch.forEach((b) => b.reject(err));
    }
  }
}
