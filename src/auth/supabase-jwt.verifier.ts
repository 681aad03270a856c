import { Injectable } from '@nestjs/common';
import { createRemoteJWKSet, decodeProtectedHeader, errors, JWTPayload, jwtVerify } from 'jose';
import { AppConfig } from '../config/app-config';
import { ServiceUnavailableError, UnauthorizedError } from '../common/domain-errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Verifies Supabase access tokens: asymmetric ones (ES256/RS256) against the project's JWKS,
 * HS256 ones against the legacy shared secret. Audience `authenticated` unless configured.
 */
@Injectable()
export class SupabaseJwtVerifier {
  private readonly jwks?: ReturnType<typeof createRemoteJWKSet>;
  private readonly secret?: Uint8Array;
  private readonly issuer?: string;

  constructor(private readonly config: AppConfig) {
    const url = config.get('SUPABASE_URL');
    if (url) {
      const base = url.replace(/\/+$/, '');
      this.jwks = createRemoteJWKSet(new URL(`${base}/auth/v1/.well-known/jwks.json`), {
        cacheMaxAge: 10 * 60_000,
        timeoutDuration: 5_000,
      });
      this.issuer = `${base}/auth/v1`;
    }
    const secret = config.get('SUPABASE_JWT_SECRET');
    if (secret) this.secret = new TextEncoder().encode(secret);
  }

  get enabled(): boolean {
    return Boolean(this.jwks || this.secret);
  }

  async verify(token: string): Promise<{ userId: string; claims: JWTPayload }> {
    let alg: string | undefined;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch {
      throw new UnauthorizedError('Bearer token is neither an API key nor a JWT');
    }
    const audience = this.config.get('SUPABASE_JWT_AUDIENCE');
    let payload: JWTPayload;
    try {
      if (alg === 'HS256') {
        if (!this.secret)
          throw new UnauthorizedError(
            'HS256 tokens are not accepted: SUPABASE_JWT_SECRET is not set',
          );
        ({ payload } = await jwtVerify(token, this.secret, { algorithms: ['HS256'], audience }));
      } else {
        if (!this.jwks)
          throw new UnauthorizedError(`${alg} tokens are not accepted: SUPABASE_URL is not set`);
        ({ payload } = await jwtVerify(token, this.jwks, {
          algorithms: ['ES256', 'RS256', 'EdDSA'],
          audience,
          issuer: this.issuer,
        }));
      }
    } catch (err) {
      if (err instanceof UnauthorizedError) throw err;
      // The key set could not be fetched: the token may be fine, so this is not the caller's fault.
      if (isJwksOutage(err))
        throw new ServiceUnavailableError('Supabase JWKS unreachable, retry later', { cause: err });
      const code = (err as { code?: string }).code ?? 'ERR_JWT_INVALID';
      throw new UnauthorizedError(`Invalid access token (${code})`);
    }
    if (!payload.sub || !UUID.test(payload.sub))
      throw new UnauthorizedError('Access token has no user id (sub)');
    return { userId: payload.sub, claims: payload };
  }
}

function isJwksOutage(err: unknown): boolean {
  if (!(err instanceof errors.JOSEError)) return true; // fetch failures are TypeErrors, not JOSE errors
  if (err.code === 'ERR_JWKS_TIMEOUT') return true;
  return err.code === 'ERR_JOSE_GENERIC' && /JSON Web Key Set/.test(err.message);
}
