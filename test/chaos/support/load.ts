import type { Cluster } from './cluster';

/** What one request of the load got: an HTTP status, or why there was none. */
interface Outcome {
  status: number;
  error?: string;
}

/** The error message of an answer, for the report of unexpected ones. */
function messageOf(body: unknown): string {
  const m = (body as { message?: unknown } | undefined)?.message;
  return typeof m === 'string' ? m.slice(0, 120) : '';
}

/** A request never waits longer than this: a hung request is a finding, not a stuck test. */
const REQUEST_TIMEOUT_MS = 15_000;

/**
 * Steady task creation by `workers` concurrent clients (POST /api/tasks, one after another, a
 * short pause between), recording every answer, until stop().
 */
export class Load {
  readonly accepted: string[] = [];
  /** When the request that created each accepted task started (same order as `accepted`). */
  readonly acceptedAt: number[] = [];
  readonly outcomes: Outcome[] = [];
  private stopped = false;
  private readonly running: Promise<void>;
  /** When each client's current request started (undefined between requests). */
  private readonly since: (number | undefined)[];

  constructor(
    private readonly c: Cluster,
    private readonly tenant: { key: string; veId: string },
    private readonly label: string,
    workers: number,
  ) {
    this.since = Array.from({ length: workers }, () => undefined);
    this.running = Promise.all(this.since.map((_, w) => this.client(w))).then(() => undefined);
  }

  get sent(): number {
    return this.outcomes.length;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }

  /** A reason to give up waiting when a request has had no answer for `ms` (for `until`'s abort). */
  stuck(ms: number): string | undefined {
    const oldest = Math.min(...this.since.map((s) => s ?? Infinity));
    return Date.now() - oldest > ms ? `a request has had no answer for ${ms} ms` : undefined;
  }

  /** Every answer other than 201 (and 503 when allowed), as "what ×count". */
  failures(opts: { allow503?: boolean } = {}): string[] {
    const bad = new Map<string, number>();
    for (const o of this.outcomes) {
      if (o.status === 201 || (opts.allow503 && o.status === 503)) continue;
      const kind = o.error ?? `HTTP ${o.status}`;
      bad.set(kind, (bad.get(kind) ?? 0) + 1);
    }
    return [...bad].map(([kind, n]) => `${kind} ×${n}`);
  }

  private async client(w: number): Promise<void> {
    for (let i = 0; !this.stopped; i++) {
      this.since[w] = Date.now();
      const outcome = await this.createTask(`${this.label} ${w}-${i}`, this.since[w]);
      this.since[w] = undefined;
      this.outcomes.push(outcome);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** The tasks whose creating request started after `t` (epoch ms). */
  acceptedAfter(t: number): string[] {
    return this.accepted.filter((_, i) => this.acceptedAt[i]! > t);
  }

  private async createTask(title: string, startedAt: number): Promise<Outcome> {
    try {
      const res = await fetch(`${this.c.apiUrl}/api/tasks`, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.tenant.key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ title, veId: this.tenant.veId }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const body = (await res.json().catch(() => undefined)) as { id?: string } | undefined;
      if (res.status === 201 && body?.id) {
        this.accepted.push(body.id);
        this.acceptedAt.push(startedAt);
      }
      return res.status === 201
        ? { status: 201 }
        : { status: res.status, error: `HTTP ${res.status} ${messageOf(body)}` };
    } catch (err) {
      return { status: 0, error: `${(err as Error).name}: ${(err as Error).message}` };
    }
  }
}
