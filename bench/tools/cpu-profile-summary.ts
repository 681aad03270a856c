/**
 * Summarises V8 .cpuprofile files (from BENCH_CPU_PROF=1): self time by function and by file or
 * package, and inclusive ("total") time by function, so the hot spots of a scenario read in one screen.
 *
 *   node dist-bench/bench/tools/cpu-profile-summary.js /tmp/prof/api/*.cpuprofile [--top 40] [--filter dist/] [--from 5]
 */
import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function place(url: string): string {
  const u = url.replace(/^file:\/\//, '');
  const nm = u.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = u.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const src = u.search(/\/(dist|src|dist-bench)\//);
  if (src >= 0) return u.slice(src + 1);
  return u || '(native)';
}

function fnKey(f: CallFrame): string {
  return `${f.functionName || '(anonymous)'} ${place(f.url)}:${f.lineNumber + 1}`;
}

function main(): void {
  const args = process.argv.slice(2);
  const topAt = args.indexOf('--top');
  const top = topAt >= 0 ? Number(args[topAt + 1]) : 30;
  const filterAt = args.indexOf('--filter');
  const filter = filterAt >= 0 ? args[filterAt + 1]! : undefined;
  // --from <s>: ignore the first seconds of each profile (start-up: module loading, migrations).
  const fromAt = args.indexOf('--from');
  const fromMs = fromAt >= 0 ? Number(args[fromAt + 1]) * 1000 : 0;
  // --to <s>: ignore samples after this many seconds; --timeline: busy ms in each second.
  const toAt = args.indexOf('--to');
  const toMs = toAt >= 0 ? Number(args[toAt + 1]) * 1000 : Infinity;
  const timeline = args.includes('--timeline');
  const perSecond: number[] = [];
  // --callers <fn>: for samples whose leaf is <fn>, the first caller outside node's internals.
  const callersAt = args.indexOf('--callers');
  const callersOf = callersAt >= 0 ? args[callersAt + 1] : undefined;
  const callers = new Map<string, number>();
  const valueAt = new Set(
    [topAt, filterAt, fromAt, toAt, callersAt].filter((i) => i >= 0).map((i) => i + 1),
  );
  const files = args.filter((a, i) => !a.startsWith('--') && !valueAt.has(i));
  const selfFn = new Map<string, number>();
  const selfPlace = new Map<string, number>();
  const totalFn = new Map<string, number>();
  let all = 0;
  for (const file of files) {
    const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
    const byId = new Map(p.nodes.map((n) => [n.id, n]));
    const parent = new Map<number, number>();
    for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    const stackKeys = new Map<number, string[]>();
    const keysOf = (id: number): string[] => {
      const known = stackKeys.get(id);
      if (known) return known;
      const seen = new Set<string>();
      for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
        seen.add(fnKey(byId.get(at)!.callFrame));
      }
      const keys = [...seen];
      stackKeys.set(id, keys);
      return keys;
    };
    let clock = 0;
    p.samples.forEach((id, i) => {
      const dt = (p.timeDeltas[i] ?? 0) / 1000;
      clock += dt;
      if (clock < fromMs || clock > toMs) return;
      const f = byId.get(id)!.callFrame;
      if (f.functionName === '(idle)' || f.functionName === '(program)') return;
      all += dt;
      const second = Math.floor(clock / 1000);
      perSecond[second] = (perSecond[second] ?? 0) + dt;
      const k = fnKey(f);
      selfFn.set(k, (selfFn.get(k) ?? 0) + dt);
      const pl = f.url ? place(f.url) : `(${f.functionName})`;
      selfPlace.set(pl, (selfPlace.get(pl) ?? 0) + dt);
      for (const key of keysOf(id)) totalFn.set(key, (totalFn.get(key) ?? 0) + dt);
      if (callersOf && f.functionName === callersOf) {
        const chain: string[] = [];
        for (let at = parent.get(id); at !== undefined && chain.length < 3; at = parent.get(at)) {
          const cf = byId.get(at)!.callFrame;
          if (cf.url && !cf.url.startsWith('node:')) chain.push(fnKey(cf));
        }
        const k = chain.join(' < ') || '(node internals only)';
        callers.set(k, (callers.get(k) ?? 0) + dt);
      }
    });
  }
  const print = (title: string, m: Map<string, number>, only?: string) => {
    console.log(`\n## ${title}`);
    [...m.entries()]
      .filter(([k]) => !only || k.includes(only))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .forEach(([k, ms]) =>
        console.log(
          `${ms.toFixed(0).padStart(8)} ms ${((100 * ms) / all).toFixed(1).padStart(5)}%  ${k}`,
        ),
      );
  };
  console.log(`busy (non-idle) time: ${all.toFixed(0)} ms in ${files.length} profile(s)`);
  if (timeline)
    console.log(
      `busy ms per second: ${Array.from(perSecond, (ms, i) => `${i}:${Math.round(ms ?? 0)}`).join(' ')}`,
    );
  print('self time by file / package', selfPlace);
  print('self time by function', selfFn);
  if (callersOf) print(`callers of ${callersOf}`, callers);
  print(
    `total (inclusive) time by function${filter ? ` matching ${filter}` : ''}`,
    totalFn,
    filter,
  );
}

main();
