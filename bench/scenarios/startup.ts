import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deployedNodeOptions, NODE, ROOT, startNodeIn, waitFor } from '../lib/processes';

export interface StartupResult {
  /** `npm start` on a fresh machine: no .env, PGlite created and migrated, until /health/ready = 200. */
  firstStartMs: number;
  /** The same directory again: nothing to migrate. */
  restartMs: number;
}

/**
 * The README's first command, timed: `node dist/main.js` in an empty directory with nothing but
 * PATH, a port and a BullMQ prefix (the embedded PGlite default, the machine's Redis).
 */
export async function startup(port: number, prefix: string): Promise<StartupResult> {
  const dir = mkdtempSync(join(tmpdir(), 've-bench-start-'));
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    PORT: String(port),
    BULLMQ_PREFIX: prefix,
    NODE_OPTIONS: deployedNodeOptions(),
  };
  const timeStart = async (name: string) => {
    const started = Date.now();
    const proc = startNodeIn(name, NODE, join(ROOT, 'dist', 'main.js'), env, dir);
    try {
      await waitFor(`http://127.0.0.1:${port}/health/ready`, 120_000, 50);
      return Date.now() - started;
    } finally {
      await proc.stop();
    }
  };
  try {
    const firstStartMs = await timeStart('start-first');
    const restartMs = await timeStart('start-again');
    return { firstStartMs, restartMs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
