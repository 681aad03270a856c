/** One parsed Server-Sent Events frame. */
export interface SseFrame {
  id?: string;
  event?: string;
  data?: string;
  retry?: number;
}

/**
 * A small EventSource for tests: fetch + a strict parser of the text/event-stream format, keeping
 * every event and comment so a test can wait for what it expects.
 */
export class SseClient {
  readonly events: SseFrame[] = [];
  readonly comments: string[] = [];
  readonly retries: number[] = [];
  private buffer = '';
  private readonly waiters = new Set<() => void>();
  private ended = false;
  private readError: unknown;

  private constructor(
    readonly status: number,
    readonly headers: Headers,
    private readonly controller: AbortController,
  ) {}

  /** Connects and, on a 200, waits for the stream's `: connected` comment (the subscription is live). */
  static async connect(url: string, headers: Record<string, string>): Promise<SseClient> {
    const controller = new AbortController();
    const res = await fetch(url, {
      headers: { accept: 'text/event-stream', ...headers },
      signal: controller.signal,
    });
    const client = new SseClient(res.status, res.headers, controller);
    if (res.status !== 200 || !res.body) {
      client.buffer = await res.text();
      client.ended = true;
      return client;
    }
    void client.pump(res.body);
    await client.waitFor(() => client.comments.includes('connected'), 'the connected comment');
    return client;
  }

  /** The body of a refused (non-200) request. */
  get errorBody(): string {
    return this.buffer;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** Events of one type, with data parsed. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  payloads(type?: string): any[] {
    return this.events
      .filter((e) => !type || e.event === type)
      .map((e) => JSON.parse(e.data ?? 'null'));
  }

  async waitFor(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (this.ended)
        throw new Error(`stream ended before ${what} (${String(this.readError ?? 'closed')})`);
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.events)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, Math.min(left, 250));
        function done() {
          clearTimeout(timer);
          resolve();
        }
        this.waiters.add(done);
      });
    }
  }

  close(): void {
    this.controller.abort();
  }

  private async pump(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
        this.buffer += decoder.decode(chunk, { stream: true });
        this.parse();
      }
    } catch (err) {
      this.readError = err;
    } finally {
      this.ended = true;
      this.notify();
    }
  }

  private parse(): void {
    let end: number;
    while ((end = this.buffer.search(/\r?\n\r?\n/)) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end).replace(/^\r?\n\r?\n/, '');
      const frame: SseFrame = {};
      let isEvent = false;
      for (const line of block.split(/\r?\n/)) {
        if (line.startsWith(':')) {
          this.comments.push(line.slice(1).trim());
          continue;
        }
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'id') frame.id = value;
        else if (field === 'event') frame.event = value;
        else if (field === 'data')
          frame.data = frame.data === undefined ? value : `${frame.data}\n${value}`;
        else if (field === 'retry') this.retries.push(Number(value));
        else throw new Error(`unknown SSE field in ${JSON.stringify(line)}`);
        if (field === 'data') isEvent = true;
      }
      if (isEvent) this.events.push(frame);
    }
    this.notify();
  }

  private notify(): void {
    for (const w of [...this.waiters]) w();
    this.waiters.clear();
  }
}
