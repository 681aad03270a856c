import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../../helpers/resources';

export const ROOT = resolve(__dirname, '..', '..', '..');
/** Node 24 from the `node` devDependency: the machine's own node is older. */
export const NODE = join(ROOT, 'node_modules', 'node', 'bin', 'node');

/**
 * Polls `probe` until it returns a value other than undefined; fails with `what` after `timeoutMs`,
 * or at once when `abort` returns a reason (a process died: waiting longer cannot help).
 */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 30_000,
  abort: () => string | undefined = () => undefined,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    const reason = abort();
    if (reason) throw new Error(`gave up waiting for ${what}: ${reason}`);
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`, { cause: lastError });
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The status of GET url, or 0 when nothing answers. */
export async function statusOf(url: string): Promise<number> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A process of the built app (dist/), its output kept for assertions. */
/** The body of /health/ready (terminus): each indicator's status under `info` or `error`. */
export type HealthReport = Record<'info' | 'error', Record<string, { status: string }>>;

export class AppProcess {
  readonly stdout: string[] = [];
  readonly stderr: string[] = [];
  readonly exited: Promise<Exit>;
  exit?: Exit;
  private readonly child: ChildProcess;

  constructor(script: string, env: Record<string, string>, cwd: string) {
    this.child = spawn(NODE, ['--enable-source-maps', join(ROOT, 'dist', script)], {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.setEncoding('utf8').on('data', (d: string) => this.stdout.push(...lines(d)));
    this.child.stderr!.setEncoding('utf8').on('data', (d: string) => this.stderr.push(...lines(d)));
    this.exited = new Promise((r) =>
      this.child.on('close', (code, signal) => {
        this.exit = { code, signal };
        r(this.exit);
      }),
    );
  }

  get pid(): number {
    return this.child.pid!;
  }

  get alive(): boolean {
    return this.exit === undefined;
  }

  output(): string {
    return [...this.stdout, ...this.stderr].join('\n');
  }

  signal(sig: NodeJS.Signals): void {
    if (this.alive) this.child.kill(sig);
  }

  /** Waits for the exit; SIGKILLs the process if it is still there after `timeoutMs`. */
  async waitForExit(timeoutMs = 30_000): Promise<Exit> {
    const timer = setTimeout(() => this.signal('SIGKILL'), timeoutMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Polls url until it answers `status`; fails at once (with the output) if the process exits. */
  async waitForStatus(url: string, status: number, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = 0;
    while (this.alive && Date.now() < deadline) {
      last = await statusOf(url);
      if (last === status) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    const why = this.alive
      ? `timed out after ${timeoutMs} ms (last status ${last})`
      : `exited ${JSON.stringify(this.exit)}`;
    const tail = this.output().split('\n').slice(-40).join('\n');
    throw new Error(`waiting for ${status} from ${url}: ${why}\n--- app output ---\n${tail}`);
  }

  /** Ends the process whatever it is doing (afterAll). */
  async kill(): Promise<void> {
    if (!this.alive) return;
    this.signal('SIGTERM');
    await this.waitForExit(10_000);
  }
}

function lines(chunk: string): string[] {
  return chunk.split('\n').filter((l) => l.length > 0);
}

/**
 * The environment of a spawned app: only what it needs, never the test runner's own variables
 * (another file's createTestApp() writes DATABASE_URL into process.env).
 */
export function baseEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
  };
  return { ...env, NODE_ENV: 'test', LOG_LEVEL: 'warn', HOST: '127.0.0.1', ...extra };
}

/** A temporary working directory (no .env in it), removed by cleanup(). */
export function tempDir(prefix: string): { path: string; cleanup(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

/**
 * A private redis-server on a spare port, so a test can stop it without touching the machine's Redis.
 * The port is outside the kernel's ephemeral range: while the server is stopped, no other test's
 * `freePort()` and no outgoing connection's local port can take it, so its restart does not fail
 * and the app's clients never reach some other server (or themselves) in the meantime.
 */
export class PrivateRedis {
  private proc?: ChildProcess;
  private constructor(readonly port: number) {}

  static async start(): Promise<PrivateRedis> {
    for (let attempt = 0; ; attempt++) {
      const redis = await PrivateRedis.notStarted();
      try {
        await redis.start();
        return redis;
      } catch (err) {
        // Another file's PrivateRedis picked the same port between the check and the bind.
        await redis.stop();
        if (attempt === 4) throw err;
      }
    }
  }

  /** One whose server is not running yet (an app that boots while Redis is down); start() it later. */
  static async notStarted(): Promise<PrivateRedis> {
    return new PrivateRedis(await spareFixedPort());
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const args = [
      '--port',
      String(this.port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
    ];
    const proc = spawn('redis-server', [...args, '--daemonize', 'no'], { stdio: 'ignore' });
    this.proc = proc;
    // A redis-server that exits (its port was taken) fails at once: the PONG would be another server's.
    await until(
      `redis-server on ${this.port}`,
      async () => ((await pingRedis(this.port)) ? true : undefined),
      30_000,
      () => (proc.exitCode !== null ? `redis-server exited with ${proc.exitCode}` : undefined),
    );
  }

  async stop(): Promise<void> {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    await exited;
  }
}

/** A free port below the ephemeral range (which `freePort()` and outgoing connections draw from). */
async function spareFixedPort(): Promise<number> {
  const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/);
  const top = Math.max(Number(low) || 32768, 20_000);
  for (;;) {
    const port = 10_000 + Math.floor(Math.random() * (top - 10_000));
    if (await canListen(port)) return port;
  }
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

async function pingRedis(port: number): Promise<boolean> {
  const { createConnection } = await import('node:net');
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => socket.write('PING\r\n'));
    socket.setTimeout(1_000, () => socket.destroy());
    socket.once('data', (d) => {
      resolve(d.toString().startsWith('+PONG'));
      socket.destroy();
    });
    socket.once('error', () => resolve(false));
    socket.once('close', () => resolve(false));
  });
}

export { freePort };
