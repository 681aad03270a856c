import { AppProcess, baseEnv, tempDir } from './support/processes';

/** A bad environment stops the process before it touches anything, naming every bad key. */
describe('bad environment', () => {
  const dir = tempDir('ve-badenv-');
  const apps: AppProcess[] = [];
  afterAll(async () => {
    for (const app of apps) await app.kill();
    dir.cleanup();
  });

  async function run(script: string, env: Record<string, string>) {
    const app = new AppProcess(script, baseEnv(env), dir.path);
    apps.push(app);
    const exit = await app.waitForExit(30_000);
    return { exit, stderr: app.stderr.join('\n'), stdout: app.stdout.join('\n') };
  }

  it('REDIS_URL=nope PORT=abc: exits 1 and names both keys with the values given', async () => {
    const { exit, stderr } = await run('main.js', { REDIS_URL: 'nope', PORT: 'abc' });
    expect(exit).toEqual({ code: 1, signal: null });
    expect(stderr).toContain('Invalid configuration');
    expect(stderr).toMatch(/REDIS_URL: .*redis:\/\/.*\(got "nope"\)/);
    expect(stderr).toMatch(/PORT: .*integer.*\(got "abc"\)/);
    expect(stderr).not.toMatch(/\n\s+at /); // one message, no stack trace
  }, 60_000);

  it('never prints a secret it refuses', async () => {
    const { exit, stderr } = await run('main.js', { ADMIN_API_KEY: 'short-secret' });
    expect(exit.code).toBe(1);
    expect(stderr).toContain('ADMIN_API_KEY');
    expect(stderr).not.toContain('short-secret');
  }, 60_000);

  it('production refuses the development secrets and PGlite', async () => {
    const { exit, stderr } = await run('main.js', { NODE_ENV: 'production' });
    expect(exit.code).toBe(1);
    for (const key of [
      'ADMIN_API_KEY',
      'WEBHOOK_SECRET',
      'BULL_BOARD_PASSWORD',
      'DATABASE_URL',
      'AGENT_JWT_PRIVATE_KEY',
    ]) {
      expect(stderr).toContain(`${key}:`);
    }
  }, 60_000);

  it.each([
    ['worker.js', {}],
    ['main.js', { RUN_MODE: 'worker' }],
  ])(
    '%s %j without DATABASE_URL: exits 1 (workers need a shared Postgres)',
    async (script, env) => {
      const { exit, stderr } = await run(script, env);
      expect(exit.code).toBe(1);
      expect(stderr).toMatch(/DATABASE_URL: RUN_MODE=worker needs a shared Postgres/);
    },
    60_000,
  );
});
