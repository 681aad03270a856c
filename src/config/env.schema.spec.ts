import { EnvSchema, validateEnv } from './env.schema';

const problemsOf = (raw: Record<string, string>): string => {
  try {
    validateEnv(raw);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected the environment to be refused');
};

/** A production environment that passes: every secret strong, a real database. */
const PRODUCTION = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://ve:pw@db.internal:5432/ve',
  ADMIN_API_KEY: 'a'.repeat(40),
  WEBHOOK_SECRET: `whsec_${Buffer.alloc(32, 7).toString('base64')}`,
  BULL_BOARD_PASSWORD: 'a-long-board-password',
  AGENT_JWT_PRIVATE_KEY: '-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----',
};

describe('validateEnv', () => {
  it('accepts an empty environment: development defaults make `npm start` work', () => {
    const env = validateEnv({});
    expect(env).toBeInstanceOf(EnvSchema);
    expect(env).toMatchObject({
      NODE_ENV: 'development',
      RUN_MODE: 'all',
      PORT: 3000,
      PGLITE_DIR: './.data/pglite',
    });
    expect(env.DATABASE_URL).toBeUndefined();
  });

  it('converts numbers and booleans from their string form', () => {
    const env = validateEnv({
      PORT: '8080',
      OTEL_ENABLED: 'yes',
      OUTBOUND_WEBHOOKS_ALLOW_PRIVATE: '0',
    });
    expect(env.PORT).toBe(8080);
    expect(env.OTEL_ENABLED).toBe(true);
    expect(env.OUTBOUND_WEBHOOKS_ALLOW_PRIVATE).toBe(false);
    expect(validateEnv({}).OTEL_ENABLED).toBe(false);
    expect(problemsOf({ OTEL_ENABLED: 'maybe' })).toContain(
      'OTEL_ENABLED: must be a boolean value (got "maybe")',
    );
  });

  it('treats an empty value as unset (KEY= in a .env file)', () => {
    expect(validateEnv({ PORT: '', DATABASE_URL: '' })).toMatchObject({
      PORT: 3000,
      DATABASE_URL: undefined,
    });
  });

  it('names every bad key in one message, with the value as given', () => {
    const message = problemsOf({
      REDIS_URL: 'nope',
      PORT: 'abc',
      RUN_MODE: 'both',
      DATABASE_URL: 'mysql://x',
    });
    expect(message).toMatch(/^Invalid configuration:/);
    expect(message).toMatch(/REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL \(got "nope"\)/);
    expect(message).toMatch(/PORT: .*must be an integer number.*\(got "abc"\)/);
    expect(message).toMatch(
      /RUN_MODE: must be one of the following values: all, api, worker \(got "both"\)/,
    );
    expect(message).toMatch(/DATABASE_URL: must be a postgres:\/\/ URL/);
    expect(message.split('\n  - ')).toHaveLength(5);
  });

  it('never repeats a secret in its message', () => {
    const message = problemsOf({ ADMIN_API_KEY: 'too-short', BULL_BOARD_PASSWORD: 'abc' });
    expect(message).toContain(
      'ADMIN_API_KEY: must be longer than or equal to 16 characters (got a value of 9 characters)',
    );
    expect(message).toContain('BULL_BOARD_PASSWORD');
    expect(message).not.toContain('too-short');
    expect(message).not.toMatch(/"abc"/);
  });

  it('refuses a worker without a shared Postgres (PGlite is single-process)', () => {
    expect(problemsOf({ RUN_MODE: 'worker' })).toContain(
      'DATABASE_URL: RUN_MODE=worker needs a shared Postgres',
    );
    expect(validateEnv({ RUN_MODE: 'worker', DATABASE_URL: 'postgres://x@h/db' }).RUN_MODE).toBe(
      'worker',
    );
  });

  describe('in production', () => {
    it('accepts strong secrets and a real database', () => {
      expect(validateEnv(PRODUCTION).NODE_ENV).toBe('production');
    });

    it('refuses missing secrets, PGlite and the missing agent signing key, all at once', () => {
      const message = problemsOf({ NODE_ENV: 'production' });
      for (const key of ['ADMIN_API_KEY', 'WEBHOOK_SECRET', 'BULL_BOARD_PASSWORD']) {
        expect(message).toContain(`${key}: must be set to a strong secret in production`);
      }
      expect(message).toContain('DATABASE_URL: required in production');
      expect(message).toContain('AGENT_JWT_PRIVATE_KEY: required in production');
    });

    it('refuses the development defaults even when set explicitly', () => {
      const message = problemsOf({
        ...PRODUCTION,
        ADMIN_API_KEY: 'dev-admin-key-change-me',
        WEBHOOK_SECRET: 'whsec_ZGV2LXdlYmhvb2stc2VjcmV0LWNoYW5nZS1tZQ==',
        BULL_BOARD_PASSWORD: 'admin',
      });
      for (const key of ['ADMIN_API_KEY', 'WEBHOOK_SECRET', 'BULL_BOARD_PASSWORD']) {
        expect(message).toContain(`${key}: must be set to a strong secret in production`);
      }
    });

    it.each([
      ['ADMIN_API_KEY', 'x'.repeat(20), 'at least 32 characters'],
      ['BULL_BOARD_PASSWORD', 'short-pass', 'at least 12 characters'],
      [
        'WEBHOOK_SECRET',
        `whsec_${Buffer.alloc(8, 1).toString('base64')}`,
        'at least 24 random bytes',
      ],
    ])('refuses a weak %s', (key, value, why) => {
      expect(problemsOf({ ...PRODUCTION, [key]: value })).toContain(why);
    });

    it('checks every secret of a rotation list', () => {
      const strong = PRODUCTION.WEBHOOK_SECRET;
      const weak = `whsec_${Buffer.alloc(4, 1).toString('base64')}`;
      expect(problemsOf({ ...PRODUCTION, WEBHOOK_SECRET: `${strong} ${weak}` })).toContain(
        'WEBHOOK_SECRET',
      );
    });
  });
});
