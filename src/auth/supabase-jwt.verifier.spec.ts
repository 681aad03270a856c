import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { CryptoKey, SignJWT } from 'jose';
import type { AppConfig } from '../config/app-config';
import { ServiceUnavailableError, UnauthorizedError } from '../common/domain-errors';
import { SupabaseJwtVerifier } from './supabase-jwt.verifier';

const SECRET = 'unit-test-jwt-secret-0123456789abcdefghij';

function verifier(env: Record<string, string | undefined>): SupabaseJwtVerifier {
  const config = {
    get: (key: string) => ({ SUPABASE_JWT_AUDIENCE: 'authenticated', ...env })[key],
  } as unknown as AppConfig;
  return new SupabaseJwtVerifier(config);
}

function sign(
  alg: 'HS256' | 'ES256',
  sub: string,
  key: Uint8Array | CryptoKey = new TextEncoder().encode(SECRET),
) {
  return new SignJWT({})
    .setProtectedHeader({ alg })
    .setSubject(sub)
    .setAudience('authenticated')
    .setExpirationTime('5m')
    .sign(key);
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe('SupabaseJwtVerifier', () => {
  it('accepts an HS256 token and returns its user id', async () => {
    const sub = randomUUID();
    await expect(
      verifier({ SUPABASE_JWT_SECRET: SECRET }).verify(await sign('HS256', sub)),
    ).resolves.toMatchObject({ userId: sub });
  });

  it('refuses a token whose sub is not a user id', async () => {
    await expect(
      verifier({ SUPABASE_JWT_SECRET: SECRET }).verify(await sign('HS256', 'anon')),
    ).rejects.toBeInstanceOf(UnauthorizedError);
  });

  it('refuses ES256 tokens when no SUPABASE_URL is set (401)', async () => {
    const { generateKeyPair } = await import('jose');
    const { privateKey } = await generateKeyPair('ES256');
    await expect(
      verifier({ SUPABASE_JWT_SECRET: SECRET }).verify(
        await sign('ES256', randomUUID(), privateKey),
      ),
    ).rejects.toBeInstanceOf(UnauthorizedError);
  });

  it('answers 503, not 401, when the JWKS cannot be fetched: the token may well be valid', async () => {
    const { generateKeyPair } = await import('jose');
    const { privateKey } = await generateKeyPair('ES256');
    const v = verifier({ SUPABASE_URL: `http://127.0.0.1:${await closedPort()}` });
    await expect(v.verify(await sign('ES256', randomUUID(), privateKey))).rejects.toBeInstanceOf(
      ServiceUnavailableError,
    );
  });
});
