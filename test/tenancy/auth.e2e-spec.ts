import { randomUUID } from 'node:crypto';
import { generateKeyPair } from 'jose';
import { createTestApp, TestApp } from '../helpers/test-app';
import {
  createTenancyApp,
  createTenant,
  eventually,
  hsToken,
  LocalJwks,
  TenantFixture,
} from './support/tenancy';

describe('Auth: operator, API keys, Supabase users (real Postgres, real Redis)', () => {
  let t: TestApp;
  let jwks: LocalJwks;
  let a: TenantFixture;
  let b: TenantFixture;

  beforeAll(async () => {
    jwks = new LocalJwks();
    await jwks.start();
    t = await createTenancyApp({ env: { SUPABASE_URL: jwks.url } });
    a = await createTenant(t);
    b = await createTenant(t);
  });
  afterAll(async () => {
    await t.close();
    await jwks.close();
  });

  describe('operator (x-api-key)', () => {
    it('is recognised, and acts for a customer named in x-customer-id', async () => {
      expect((await t.api('GET', '/api/auth/me')).body).toEqual({
        kind: 'operator',
        role: 'operator',
        customerId: null,
        userId: null,
      });
      const acting = await t.api('GET', '/api/auth/me', { customerId: a.id });
      expect(acting.body).toMatchObject({ kind: 'operator', customerId: a.id });
    });

    it('refuses a wrong key, a key of another length, and no credential (401)', async () => {
      for (const key of [
        'test-admin-key-0123456789abcdeX',
        'short',
        'test-admin-key-0123456789abcdef-and-more',
      ]) {
        const res = await t.api('GET', '/api/auth/me', {
          token: null,
          headers: { 'x-api-key': key },
        });
        expect(res.status).toBe(401);
      }
      expect((await t.api('GET', '/api/auth/me', { token: null })).status).toBe(401);
    });

    it('needs x-customer-id on tenant routes (403) and refuses a malformed one (401)', async () => {
      expect((await t.api('GET', '/api/ves')).status).toBe(403);
      expect((await t.api('GET', '/api/ves', { customerId: 'not-a-uuid' })).status).toBe(401);
    });
  });

  describe('customer API keys (vek_)', () => {
    it('identify their customer', async () => {
      const res = await t.api('GET', '/api/auth/me', { token: a.key });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ kind: 'apiKey', role: 'service', customerId: a.id, userId: null });
    });

    it('are shown once and stored hashed: listing shows only a prefix, and lastUsedAt after use', async () => {
      const created = await t.api('POST', `/api/customers/${a.id}/api-keys`, {
        body: { name: 'once' },
      });
      expect(created.body.key).toMatch(/^vek_[A-Za-z0-9_-]{43}$/);
      expect(created.body.key.startsWith(created.body.prefix)).toBe(true);
      const listed = await t.api('GET', `/api/customers/${a.id}/api-keys`);
      const row = listed.body.items.find((k: { id: string }) => k.id === created.body.id);
      expect(row).toEqual({
        id: created.body.id,
        name: 'once',
        prefix: created.body.prefix,
        lastUsedAt: null,
        revokedAt: null,
        createdAt: created.body.createdAt,
      });
      expect(listed.text).not.toContain(created.body.key);
      const { rows } = await sqlRows(
        `select key_hash from api_keys where id = '${created.body.id}'`,
      );
      expect(rows[0].key_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(rows[0].key_hash).not.toContain(created.body.key.slice(4));

      expect((await t.api('GET', '/api/ves', { token: created.body.key })).status).toBe(200);
      const used = await eventually(async () => {
        const list = await t.api('GET', `/api/customers/${a.id}/api-keys`);
        return list.body.items.find(
          (k: { id: string; lastUsedAt: string | null }) =>
            k.id === created.body.id && k.lastUsedAt,
        );
      });
      expect(Date.parse(used.lastUsedAt)).toBeGreaterThan(Date.now() - 60_000);
    });

    it('stop working the moment they are revoked (401), and revoking again is harmless', async () => {
      const created = await t.api('POST', `/api/customers/${a.id}/api-keys`, {
        body: { name: 'short-lived' },
      });
      expect((await t.api('GET', '/api/auth/me', { token: created.body.key })).status).toBe(200);
      expect(
        (await t.api('DELETE', `/api/customers/${a.id}/api-keys/${created.body.id}`)).status,
      ).toBe(204);
      expect((await t.api('GET', '/api/auth/me', { token: created.body.key })).status).toBe(401);
      expect(
        (await t.api('DELETE', `/api/customers/${a.id}/api-keys/${created.body.id}`)).status,
      ).toBe(204);
      const listed = await t.api('GET', `/api/customers/${a.id}/api-keys`);
      expect(
        listed.body.items.find((k: { id: string }) => k.id === created.body.id).revokedAt,
      ).toEqual(expect.any(String));
    });

    it('refuse an unknown vek_ key (401) and a key naming another customer in x-customer-id (403)', async () => {
      expect((await t.api('GET', '/api/auth/me', { token: 'vek_' + 'x'.repeat(43) })).status).toBe(
        401,
      );
      expect((await t.api('GET', '/api/auth/me', { token: a.key, customerId: b.id })).status).toBe(
        403,
      );
    });
  });

  describe('Supabase users', () => {
    it('authenticate with an HS256 token signed with SUPABASE_JWT_SECRET', async () => {
      const res = await t.api('GET', '/api/auth/me', { token: a.owner.token });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        kind: 'user',
        role: 'owner',
        customerId: a.id,
        userId: a.owner.userId,
      });
      const member = await t.api('GET', '/api/auth/me', { token: a.member.token });
      expect(member.body).toMatchObject({ kind: 'user', role: 'member', customerId: a.id });
    });

    it('authenticate with an ES256 token verified against the JWKS of SUPABASE_URL', async () => {
      const res = await t.api('GET', '/api/auth/me', { token: await jwks.token(a.owner.userId) });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        kind: 'user',
        role: 'owner',
        customerId: a.id,
        userId: a.owner.userId,
      });
      expect(jwks.requests).toBeGreaterThan(0);
    });

    it.each([
      [
        'an expired HS256 token',
        () => hsToken(a.owner.userId, { expiresIn: Math.floor(Date.now() / 1000) - 120 }),
      ],
      [
        'an HS256 token signed with another secret',
        () => hsToken(a.owner.userId, { secret: 'x'.repeat(48) }),
      ],
      ['an HS256 token for another audience', () => hsToken(a.owner.userId, { audience: 'anon' })],
      [
        'an expired ES256 token',
        () => jwks.token(a.owner.userId, { expiresIn: Math.floor(Date.now() / 1000) - 120 }),
      ],
      [
        'an ES256 token for another audience',
        () => jwks.token(a.owner.userId, { audience: 'service_role' }),
      ],
      [
        'an ES256 token from another issuer',
        () => jwks.token(a.owner.userId, { issuer: 'https://evil.test/auth/v1' }),
      ],
      [
        'an ES256 token signed by a key not in the JWKS',
        async () =>
          jwks.token(a.owner.userId, { key: (await generateKeyPair('ES256')).privateKey }),
      ],
      [
        'an ES256 token with an unknown kid',
        () => jwks.token(a.owner.userId, { kid: 'rotated-away' }),
      ],
      ['garbage', async () => 'not.a.jwt'],
    ])('refuse %s (401)', async (_, make) => {
      const res = await t.api('GET', '/api/auth/me', { token: await make() });
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
    });

    it('of no customer are refused (403)', async () => {
      const res = await t.api('GET', '/api/auth/me', { token: await hsToken(randomUUID()) });
      expect(res.status).toBe(403);
    });

    it('of several customers pick one with x-customer-id, and must when they belong to several', async () => {
      const userId = randomUUID();
      await t.api('POST', `/api/customers/${a.id}/members`, { body: { userId, role: 'admin' } });
      await t.api('POST', `/api/customers/${b.id}/members`, { body: { userId, role: 'member' } });
      const token = await hsToken(userId);
      expect((await t.api('GET', '/api/auth/me', { token })).status).toBe(403);
      const asA = await t.api('GET', '/api/auth/me', { token, customerId: a.id });
      expect(asA.body).toMatchObject({ customerId: a.id, role: 'admin' });
      const asB = await t.api('GET', '/api/auth/me', { token, customerId: b.id });
      expect(asB.body).toMatchObject({ customerId: b.id, role: 'member' });
      const other = await createTenant(t);
      expect((await t.api('GET', '/api/auth/me', { token, customerId: other.id })).status).toBe(
        403,
      );
    });

    it('lose access when their membership is removed', async () => {
      const userId = randomUUID();
      await t.api('POST', `/api/customers/${a.id}/members`, { body: { userId, role: 'member' } });
      const token = await hsToken(userId);
      expect((await t.api('GET', '/api/auth/me', { token })).status).toBe(200);
      expect((await t.api('DELETE', `/api/customers/${a.id}/members/${userId}`)).status).toBe(204);
      expect((await t.api('GET', '/api/auth/me', { token })).status).toBe(403);
    });
  });

  it("a deleted customer's keys and users stop working", async () => {
    const gone = await createTenant(t);
    expect((await t.api('GET', '/api/auth/me', { token: gone.key })).status).toBe(200);
    expect((await t.api('DELETE', `/api/customers/${gone.id}`)).status).toBe(202);
    expect((await t.api('GET', '/api/auth/me', { token: gone.key })).status).toBe(401);
    expect((await t.api('GET', '/api/auth/me', { token: gone.owner.token })).status).toBe(403);
  });

  async function sqlRows(query: string): Promise<{ rows: Record<string, string>[] }> {
    const { Client } = await import('pg');
    const client = new Client({ connectionString: t.env.DATABASE_URL });
    await client.connect();
    try {
      return await client.query(query);
    } finally {
      await client.end();
    }
  }
});

describe('Auth without Supabase configured', () => {
  let t: TestApp;
  beforeAll(async () => {
    // '' unsets what an earlier app of this file put in process.env.
    t = await createTestApp({
      env: { RUN_MODE: 'api', SUPABASE_JWT_SECRET: '', SUPABASE_URL: '' },
    });
  });
  afterAll(() => t.close());

  it('refuses user tokens (401) but still serves operators', async () => {
    expect(
      (await t.api('GET', '/api/auth/me', { token: await hsToken(randomUUID()) })).status,
    ).toBe(401);
    expect((await t.api('GET', '/api/auth/me')).status).toBe(200);
  });
});
