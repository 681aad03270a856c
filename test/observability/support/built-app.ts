import { transformFile } from '@swc/core';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

/**
 * The app compiled the way `npm run build` lays it out (dist/ beside supabase/ and node_modules),
 * with swc rather than tsc so it takes a second and ignores type errors elsewhere: tests can then
 * start real processes (`node dist/main.js`), as operators do.
 */
export async function buildApp(): Promise<{ dir: string; remove(): void }> {
  const out = mkdtempSync(join(tmpdir(), 've-built-app-'));
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) files.push(path);
    }
  };
  walk(join(ROOT, 'src'));
  await Promise.all(
    files.map(async (file) => {
      const { code } = await transformFile(file, {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2023',
        },
        module: { type: 'commonjs' },
        swcrc: false,
      });
      const target = join(out, 'dist', relative(join(ROOT, 'src'), file)).replace(/\.ts$/, '.js');
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, code);
    }),
  );
  for (const link of ['node_modules', 'supabase']) symlinkSync(join(ROOT, link), join(out, link));
  return { dir: out, remove: () => rmSync(out, { recursive: true, force: true }) };
}

export interface RunningProcess {
  child: ChildProcess;
  /** Every stdout line so far (JSON logs). */
  lines: string[];
  /** SIGTERM, then resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Starts `node <entry>` of the built app (on this Node, 24) with only the given environment. */
export function startProcess(
  dir: string,
  entry: string,
  env: Record<string, string>,
): RunningProcess {
  const child = spawn(process.execPath, [join(dir, 'dist', entry)], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let partial = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    const text = partial + chunk.toString('utf8');
    const parts = text.split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
  });
  child.stderr!.on('data', (chunk: Buffer) => lines.push(...chunk.toString('utf8').split('\n')));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return {
    child,
    lines,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
