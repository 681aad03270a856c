import { ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..', '..');
/** Node 24 from the pinned `node` devDependency. */
export const NODE = process.execPath;

/**
 * The Node flags the production image runs with (the Dockerfile's `ENV NODE_OPTIONS`), so the
 * benchmark measures the app as deployed. BENCH_NODE_OPTIONS overrides them (experiments only).
 */
export function deployedNodeOptions(): string {
  if (process.env.BENCH_NODE_OPTIONS !== undefined) return process.env.BENCH_NODE_OPTIONS;
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  return /NODE_OPTIONS="([^"]*)"/.exec(dockerfile)?.[1] ?? '';
}

export interface Proc {
  child: ChildProcess;
  name: string;
  peakRssMb(): number;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Spawns a node script of the project with env overrides; the output tail is kept for diagnosis. */
export function startNode(
  name: string,
  script: string,
  env: Record<string, string>,
  args: string[] = [],
): Proc {
  // BENCH_CPU_PROF=1: V8 CPU profiles of every started process, written on exit to BENCH_PROF_DIR/<name>.
  const prof =
    process.env.BENCH_CPU_PROF === '1'
      ? [
          '--cpu-prof',
          `--cpu-prof-dir=${join(process.env.BENCH_PROF_DIR ?? '/tmp/prof', name)}`,
          '--cpu-prof-interval=500',
        ]
      : [];
  return startNodeIn(
    name,
    NODE,
    join(ROOT, script),
    {
      ...process.env,
      NODE_OPTIONS: [process.env.NODE_OPTIONS, deployedNodeOptions()].filter(Boolean).join(' '),
      ...env,
    },
    ROOT,
    [...prof, ...args],
  );
}

/** Spawns `node [args] script` in `cwd` with exactly `env` (nothing inherited). */
export function startNodeIn(
  name: string,
  node: string,
  script: string,
  env: NodeJS.ProcessEnv,
  cwd: string,
  args: string[] = [],
): Proc {
  const child = spawn(node, [...args, script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const tail: string[] = [];
  const keep = (b: Buffer) => {
    tail.push(b.toString());
    if (tail.length > 50) tail.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  child.on('exit', (code, sig) => {
    if (code) console.error(`[${name}] exited ${code ?? sig}:\n${tail.join('').slice(-3000)}`);
  });
  return {
    child,
    name,
    peakRssMb() {
      try {
        const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
        const m = /VmHWM:\s+(\d+) kB/.exec(status);
        return m ? Math.round(Number(m[1]) / 1024) : NaN;
      } catch {
        return NaN;
      }
    },
    stop(signal = 'SIGTERM') {
      return new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill(signal);
        setTimeout(() => child.kill('SIGKILL'), 30_000).unref();
      });
    },
  };
}

export async function waitFor(url: string, timeoutMs = 60_000, pollMs = 200): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms`);
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, i)]!;
}

function cpuTicks(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return Number(fields[11]) + Number(fields[12]); // utime + stime, in clock ticks (1/100 s)
  } catch {
    return 0;
  }
}

function pidsNamed(comm: string): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return readFileSync(`/proc/${d}/comm`, 'utf8').trim() === comm;
      } catch {
        return false;
      }
    })
    .map(Number);
}

/**
 * CPU used by each of the given processes, and by all Postgres and Redis server processes, from
 * /proc (Linux): `const cpu = cpuMeter({ api })` … `cpu.perUnitUs(n)` → µs of CPU per unit of work.
 * Unlike latencies it does not depend on what else the machine runs meanwhile.
 */
export function cpuMeter(procs: Record<string, Proc | undefined>) {
  const read = () => {
    const out: Record<string, number> = {};
    for (const [name, p] of Object.entries(procs)) if (p) out[name] = cpuTicks(p.child.pid);
    out.postgres = pidsNamed('postgres').reduce((n, pid) => n + cpuTicks(pid), 0);
    out.redis = pidsNamed('redis-server').reduce((n, pid) => n + cpuTicks(pid), 0);
    return out;
  };
  const start = read();
  return {
    perUnitUs(units: number): Record<string, number> {
      const end = read();
      return Object.fromEntries(
        Object.keys(start).map((k) => [k, Math.round(((end[k]! - start[k]!) * 10_000) / units)]),
      );
    },
  };
}
