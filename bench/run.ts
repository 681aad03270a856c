/**
 * npm run bench: starts everything itself (API, worker, a baseline server) against the local
 * Redis and Postgres, runs the four benchmarks of issue 10, writes bench/results/*.json and prints
 * a markdown table for the README.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { cpuMeter, Proc, ROOT, startNode, waitFor } from './lib/processes';
import {
  createDatabase,
  databaseUrlOf,
  deletePrefix,
  dropDatabase,
  REDIS_URL,
} from './lib/resources';
import { bullmqFloor, paced, saturate } from './scenarios/pipeline';
import { measureScale, reuseSeeded, seedScale } from './scenarios/scale';
import { startup } from './scenarios/startup';
import { ingest, SignedCallbacks, withWorkersPaused } from './scenarios/webhook-ingest';

const QUICK = process.env.BENCH_QUICK === '1';
const SECRET = 'whsec_YmVuY2gtd2ViaG9vay1zZWNyZXQtMDEyMzQ1Njc4OQ==';
const ADMIN = 'bench-admin-key-0123456789abcdef0123';
// BENCH_PORT_BASE moves the three ports (API, worker, baseline) so two runs can share a machine.
const PORT_BASE = Number(process.env.BENCH_PORT_BASE ?? 3800);
const API_PORT = PORT_BASE;
const WORKER_PORT = PORT_BASE + 1;
const BASELINE_PORT = PORT_BASE + 100;
const N_TASKS = Number(process.env.BENCH_TASKS ?? (QUICK ? 1000 : 5000));
const SCALE_ROWS = Number(process.env.BENCH_SCALE_ROWS ?? (QUICK ? 100_000 : 1_000_000));
const DURATION = QUICK ? 5 : 10;
// BENCH_ONLY=ingest,pipeline,scale,startup runs a subset (e.g. to profile one scenario); the default is all.
const ALL = ['startup', 'ingest', 'pipeline', 'scale'];
const ONLY = new Set((process.env.BENCH_ONLY ?? ALL.join(',')).split(',').map((s) => s.trim()));
const FULL = ALL.every((name) => ONLY.has(name));
// Production mode refuses to start without a signing key for agent JWTs.
const AGENT_KEY = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();

function appEnv(databaseUrl: string, prefix: string): Record<string, string> {
  return {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_SIZE: '20',
    REDIS_URL,
    BULLMQ_PREFIX: prefix,
    ADMIN_API_KEY: ADMIN,
    WEBHOOK_SECRET: SECRET,
    BULL_BOARD_PASSWORD: 'bench-board-password',
    PUBLIC_URL: `http://127.0.0.1:${API_PORT}`,
    PORT: String(API_PORT),
    WORKER_PORT: String(WORKER_PORT),
    HOST: '127.0.0.1',
    K8S_MODE: 'dry-run',
    AGENT_JWT_PRIVATE_KEY: AGENT_KEY,
    RATE_LIMIT_PER_MINUTE: '100000000',
    WEBHOOK_RATE_LIMIT_PER_MINUTE: '100000000',
    TASKS_CONCURRENCY: '100',
    CUSTOMER_TASK_CONCURRENCY: '100',
  };
}

async function api<T>(
  method: string,
  path: string,
  body: unknown,
  headers: Record<string, string>,
): Promise<T> {
  const res = await fetch(`http://127.0.0.1:${API_PORT}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${text}`);
  return JSON.parse(text) as T;
}

async function setupTenant() {
  const op = { 'x-api-key': ADMIN };
  const customer = await api<{ id: string }>(
    'POST',
    '/api/customers',
    { name: 'Bench Co', slug: `bench-${Date.now()}` },
    op,
  );
  const key = await api<{ key: string }>(
    'POST',
    `/api/customers/${customer.id}/api-keys`,
    { name: 'bench' },
    op,
  );
  const auth = { authorization: `Bearer ${key.key}` };
  const ve = await api<{ id: string }>(
    'POST',
    '/api/ves',
    {
      name: 'Bench Analyst',
      role: 'analyst',
      systemPrompt: 'You analyse.',
      model: 'gpt-4o-mini',
      skills: ['analysis'],
      tools: [],
    },
    auth,
  );
  return { customerId: customer.id, apiKey: key.key, veId: ve.id };
}

async function main(): Promise<void> {
  const stamp = Date.now();
  const prefix = `vebench${stamp}`;
  const dbName = `ve_bench_${stamp}`;
  // BENCH_SCALE_DB=<name>: measure on a database seeded by an earlier run (kept with BENCH_KEEP_DB=1).
  const reuseScale = process.env.BENCH_SCALE_DB;
  const scaleDbName = reuseScale ?? `ve_bench_scale_${stamp}`;
  const procs: Proc[] = [];
  const results: Record<string, unknown> = {
    date: new Date().toISOString(),
    machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
    quick: QUICK,
    // Other work on the machine shows in latencies; CPU per unit of work (from /proc) does not.
    loadAverage: loadavg()[0]!.toFixed(2),
  };
  try {
    // 0. `npm start` on a fresh machine (PGlite, no .env), before anything else loads the cores.
    if (ONLY.has('startup')) results.startup = await startup(PORT_BASE + 2, `${prefix}start`);
    const databaseUrl = await createDatabase(dbName);
    const env = appEnv(databaseUrl, prefix);
    const apiProc = startNode('api', 'dist/main.js', { ...env, RUN_MODE: 'api' });
    procs.push(apiProc);
    await waitFor(`http://127.0.0.1:${API_PORT}/health/ready`);
    const workerProc = startNode('worker', 'dist/worker.js', { ...env, RUN_MODE: 'worker' });
    procs.push(workerProc);
    await waitFor(`http://127.0.0.1:${WORKER_PORT}/health/ready`);
    const baseline = startNode('baseline', 'dist-bench/bench/baseline/webhook-baseline.js', {
      PORT: String(BASELINE_PORT),
      WEBHOOK_SECRET: SECRET,
      REDIS_URL,
      BULLMQ_PREFIX: `${prefix}base`,
    });
    procs.push(baseline);
    const tenant = await setupTenant();

    // 1. Webhook ingest vs the bare baseline, same run.
    if (ONLY.has('ingest')) {
      const apiUrl = `http://127.0.0.1:${API_PORT}`;
      const metricsUrl = `${apiUrl}/metrics`;
      const callbacks = new SignedCallbacks(
        SECRET,
        tenant.customerId,
        tenant.veId,
        QUICK ? 60_000 : 150_000,
      );
      await new Promise((r) => setTimeout(r, 500));
      const baseCpu = cpuMeter({ baseline });
      const base = await ingest(`http://127.0.0.1:${BASELINE_PORT}`, callbacks, DURATION);
      const baseCpuUs = baseCpu.perUnitUs(base.requests);
      await baseline.stop();
      // The app measured like the baseline (accept + enqueue): its workers paused meanwhile.
      const appCpu = cpuMeter({ api: apiProc, worker: workerProc });
      const paused = await withWorkersPaused(REDIS_URL, prefix, () =>
        ingest(apiUrl, callbacks, DURATION),
      );
      const app = paused.result;
      const appCpuUs = appCpu.perUnitUs(app.requests);
      const drainStart = Date.now();
      await paused.resume();
      await drain(metricsUrl, 'webhooks', 300_000);
      const applied = app.requests - app.non2xx;
      const applyPerSec = Math.round((applied * 1000) / Math.max(1, Date.now() - drainStart));
      // And with the workers applying the events on the same two cores at the same time.
      const busy = await ingest(apiUrl, callbacks, DURATION);
      await drain(metricsUrl, 'webhooks', 300_000);
      for (const [name, r] of Object.entries({ app, busy }))
        if (r.non2xx || r.errors)
          console.warn(`ingest (${name}): ${r.non2xx} non-2xx, ${r.errors} errors`);
      results.webhookIngest = {
        app,
        baseline: base,
        ratio: +(app.reqPerSec / base.reqPerSec).toFixed(2),
        applyPerSec,
        whileApplying: busy,
        whileApplyingRatio: +(busy.reqPerSec / base.reqPerSec).toFixed(2),
        signedDuringRun: callbacks.signedLive,
        cpuUsPerRequest: { app: appCpuUs, baseline: baseCpuUs },
      };
    }
    await baseline.stop();

    // 2. Task pipeline vs the raw BullMQ floor.
    if (ONLY.has('pipeline')) {
      const floor = await bullmqFloor(REDIS_URL, `${prefix}floor`, QUICK ? 5_000 : 20_000);
      const pipeCpu = cpuMeter({ api: apiProc, worker: workerProc });
      const sustained = await saturate(
        `http://127.0.0.1:${API_PORT}`,
        databaseUrl,
        tenant,
        N_TASKS,
      );
      const pipeCpuUs = pipeCpu.perUnitUs(N_TASKS);
      const halfRate = Math.max(50, Math.round(Math.min(sustained.tasksPerSec, 500) / 2));
      const latency = await paced(
        `http://127.0.0.1:${API_PORT}`,
        databaseUrl,
        tenant,
        halfRate,
        DURATION,
      );
      results.pipeline = {
        cpuUsPerTask: pipeCpuUs,
        sustained,
        paced: { ratePerSec: halfRate, ...latency },
        floor,
        floorRatio: +(sustained.tasksPerSec / floor.jobsPerSec).toFixed(3),
      };
    }

    // 4. Memory during 1 and 2.
    if (ONLY.has('ingest') || ONLY.has('pipeline'))
      results.memory = {
        apiPeakRssMb: apiProc.peakRssMb(),
        workerPeakRssMb: workerProc.peakRssMb(),
      };
    await workerProc.stop();
    await apiProc.stop();
    procs.length = 0;

    // 3. Scale: one million tasks, one million usage rows.
    if (ONLY.has('scale')) {
      const period = new Date().toISOString().slice(0, 7);
      const scaleUrl = reuseScale ? databaseUrlOf(scaleDbName) : await createDatabase(scaleDbName);
      const scaleApi = startNode('api-scale', 'dist/main.js', {
        ...appEnv(scaleUrl, `${prefix}s`),
        RUN_MODE: 'api',
      });
      procs.push(scaleApi);
      await waitFor(`http://127.0.0.1:${API_PORT}/health/ready`);
      const seeded = reuseScale
        ? await reuseSeeded(scaleUrl)
        : await seedScale(scaleUrl, { tasks: SCALE_ROWS, usage: SCALE_ROWS, period });
      results.scale = await measureScale(`http://127.0.0.1:${API_PORT}`, seeded, {
        tasks: SCALE_ROWS,
        usage: SCALE_ROWS,
        period,
        durationSec: DURATION,
      });
    }
  } finally {
    await Promise.all(procs.map((p) => p.stop()));
    // BENCH_KEEP_DB=1 keeps the databases (e.g. for EXPLAIN ANALYZE on the seeded million rows).
    if (process.env.BENCH_KEEP_DB === '1') console.log(`kept databases ${dbName}, ${scaleDbName}`);
    else
      await Promise.allSettled([
        dropDatabase(dbName),
        reuseScale ? Promise.resolve() : dropDatabase(scaleDbName),
        deletePrefix(prefix),
      ]);
  }
  results.loadAverageAfter = loadavg()[0]!.toFixed(2);
  const dir = join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  // A partial run (BENCH_ONLY) never replaces the full table.
  const name = FULL ? 'latest' : `partial-${[...ONLY].join('-')}`;
  writeFileSync(join(dir, `${name}.json`), JSON.stringify(results, null, 2));
  if (FULL)
    writeFileSync(
      join(dir, `${String(results.date).slice(0, 10)}${QUICK ? '-quick' : ''}.json`),
      JSON.stringify(results, null, 2),
    );
  const table = markdown(results);
  writeFileSync(join(dir, `${name}.md`), table);
  console.log(table);
}

/** Waits until a queue has nothing waiting/active, read from the app's own /metrics. */
async function drain(metricsUrl: string, queue: string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  const re = new RegExp(
    `ve_queue_jobs\\{queue="${queue}",state="(waiting|active|prioritized)"\\} (\\d+)`,
    'g',
  );
  while (Date.now() < until) {
    const text = await (await fetch(metricsUrl)).text();
    const left = [...text.matchAll(re)].reduce((n, m) => n + Number(m[2]), 0);
    if (left === 0) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`queue ${queue} did not drain in ${timeoutMs} ms`);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function markdown(r: any): string {
  const ok = (cond: boolean) => (cond ? '✅' : '❌');
  const w = r.webhookIngest;
  const p = r.pipeline;
  const s = r.scale;
  const m = r.memory;
  const rows: string[][] = [];
  if (r.startup)
    rows.push([
      '`npm start` on a fresh machine (PGlite) until ready',
      `${r.startup.firstStartMs} ms (restart ${r.startup.restartMs} ms)`,
      '< 15 s',
      ok(r.startup.firstStartMs < 15_000),
    ]);
  if (w)
    rows.push(
      [
        'Webhook ingest (app: accept + enqueue, workers paused)',
        `${w.app.reqPerSec} req/s, p50 ${w.app.p50Ms} ms, p99 ${w.app.p99Ms} ms`,
        '≥ 0.5 × baseline',
        `${w.ratio} × ${ok(w.ratio >= 0.5)}`,
      ],
      [
        'Webhook ingest (baseline: Fastify + verify + add)',
        `${w.baseline.reqPerSec} req/s, p50 ${w.baseline.p50Ms} ms, p99 ${w.baseline.p99Ms} ms`,
        '',
        '',
      ],
      [
        'CPU per callback (µs): app / baseline',
        `API ${w.cpuUsPerRequest.app.api} + Postgres ${w.cpuUsPerRequest.app.postgres} + Redis ${w.cpuUsPerRequest.app.redis} / baseline ${w.cpuUsPerRequest.baseline.baseline} + Redis ${w.cpuUsPerRequest.baseline.redis}`,
        '',
        '',
      ],
      [
        'Webhook ingest while workers apply (same 2 cores)',
        `${w.whileApplying.reqPerSec} req/s, p99 ${w.whileApplying.p99Ms} ms (${w.whileApplyingRatio} × baseline); applied ${w.applyPerSec} events/s`,
        '',
        '',
      ],
    );
  if (p)
    rows.push(
      [
        'Pipeline sustained',
        `${p.sustained.tasksPerSec} tasks/s (${p.sustained.tasks} tasks)`,
        '≥ 500 tasks/s',
        ok(p.sustained.tasksPerSec >= 500),
      ],
      [
        'Pipeline at half rate',
        `${p.paced.ratePerSec}/s: p50 ${p.paced.p50Ms} ms, p99 ${p.paced.p99Ms} ms`,
        'p99 < 250 ms',
        ok(p.paced.p99Ms < 250),
      ],
      [
        'CPU per task (µs)',
        `API ${p.cpuUsPerTask.api} + worker ${p.cpuUsPerTask.worker} + Postgres ${p.cpuUsPerTask.postgres} + Redis ${p.cpuUsPerTask.redis}`,
        '',
        '',
      ],
      [
        'Raw BullMQ floor (no-op jobs)',
        `${p.floor.jobsPerSec} jobs/s; pipeline/floor ${p.floorRatio}`,
        '',
        '',
      ],
    );
  if (s)
    rows.push(
      [
        'GET /api/tasks, 1M rows',
        `p50 ${s.listP50Ms} ms, p99 ${s.listP99Ms} ms (filtered p99 ${s.listFilteredP99Ms}, next page p99 ${s.listNextPageP99Ms})`,
        'p99 < 20 ms',
        ok(s.listP99Ms < 20),
      ],
      [
        'Billing summary, 1M usage rows',
        `p50 ${s.summaryP50Ms} ms, p99 ${s.summaryP99Ms} ms`,
        'p99 < 50 ms',
        ok(s.summaryP99Ms < 50),
      ],
    );
  if (m)
    rows.push([
      'Peak RSS API / worker',
      `${m.apiPeakRssMb} MB / ${m.workerPeakRssMb} MB`,
      '< 250 MB each',
      ok(m.apiPeakRssMb < 250 && m.workerPeakRssMb < 250),
    ]);
  return [
    `Benchmarks of ${r.date.slice(0, 10)} on ${r.machine}${r.quick ? ' (quick run)' : ''}; load average ${r.loadAverage} before, ${r.loadAverageAfter} after`,
    '',
    '| benchmark | result | target | met |',
    '| --- | --- | --- | --- |',
    ...rows.map((row) => `| ${row.join(' | ')} |`),
    '',
  ].join('\n');
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
