import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import {
  calculateJwkThumbprint,
  decodeProtectedHeader,
  errors,
  exportJWK,
  exportPKCS8,
  generateKeyPair,
  importPKCS8,
  JWK,
  JWTPayload,
  UnsecuredJWT,
} from 'jose';
import {
  createPrivateKey,
  createPublicKey,
  type KeyObject,
  randomUUID,
  sign,
  verify,
} from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { REDIS } from '../redis/redis.module';
import { stripTrailingSlash } from './agent-url';

const { JOSEAlgNotAllowed, JWSInvalid, JWSSignatureVerificationFailed } = errors;
const ALG = 'ES256';
/** `{"alg":"none"}`: lets jose's UnsecuredJWT check the claims of a payload whose signature was verified. */
const UNSECURED_HEADER = Buffer.from('{"alg":"none"}').toString('base64url');

interface SigningKey {
  /** node:crypto keys: synchronous ECDSA costs a third to a fifth of WebCrypto's (one sign and verify per agent call). */
  signer: KeyObject;
  verifier: KeyObject;
  publicJwk: JWK;
  kid: string;
}

/** What a per-call token asserts (ARCHITECTURE.md, "The agent contract"). */
export interface AgentCallClaims {
  /** The agent (or MCP server) the token is for: `aud`. */
  audience: string;
  customerId: string;
  veId?: string;
  taskId?: string;
}

/**
 * Signs the short-lived ES256 JWT that every agent and MCP call carries, and publishes the public
 * key as a JWKS so agentgateway's jwtAuth and the agents verify it without a shared secret.
 * The key comes from AGENT_JWT_PRIVATE_KEY (PKCS#8 PEM; required in production). Without it, the
 * first replica generates one and shares it through Redis (SET NX), so all replicas sign alike.
 */
@Injectable()
export class AgentJwtService {
  private readonly logger = new Logger(AgentJwtService.name);
  private key?: Promise<SigningKey>;

  constructor(
    private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  get issuer(): string {
    return stripTrailingSlash(this.config.get('PUBLIC_URL'));
  }

  async sign(claims: AgentCallClaims): Promise<string> {
    const key = await this.signingKey();
    const ttl = Math.min(this.config.get('AGENT_JWT_TTL_SECONDS'), 300);
    const now = Math.floor(Date.now() / 1000);
    // The claims jose's SignJWT set (RFC 7519), in its order; signed as JWS requires for ES256
    // (RFC 7518 §3.4: r || s, not DER). verify() below checks tokens with jose.
    const header = { alg: ALG, kid: key.kid, typ: 'JWT' };
    const payload = {
      customer_id: claims.customerId,
      ...(claims.veId ? { ve_id: claims.veId } : {}),
      ...(claims.taskId ? { task_id: claims.taskId } : {}),
      iss: this.issuer,
      aud: claims.audience,
      sub: claims.customerId,
      iat: now,
      exp: now + ttl,
      jti: randomUUID(),
    };
    const input = `${base64url(header)}.${base64url(payload)}`;
    const signature = sign('sha256', Buffer.from(input), {
      key: key.signer,
      dsaEncoding: 'ieee-p1363',
    });
    return `${input}.${signature.toString('base64url')}`;
  }

  /** The public half, as served at /.well-known/jwks.json. */
  async jwks(): Promise<{ keys: JWK[] }> {
    return { keys: [(await this.signingKey()).publicJwk] };
  }

  /** Verifies a token this backend signed for `audience` (the sandbox agent checks its callers with it). */
  async verify(token: string, audience: string): Promise<JWTPayload> {
    const key = await this.signingKey();
    // The signature by node:crypto (synchronous, a third of WebCrypto's cost), the claims by
    // jose's own checks (the same jwtVerify makes: iss, aud, exp, nbf, iat), on the verified payload.
    const [header, payload, signature, ...rest] = token.split('.');
    if (!header || !payload || !signature || rest.length) throw new JWSInvalid('not a compact JWS');
    const { alg, crit } = decodeProtectedHeader(token);
    if (alg !== ALG)
      throw new JOSEAlgNotAllowed(`"alg" (Algorithm) Header Parameter value not allowed`);
    if (crit !== undefined)
      throw new JWSInvalid('no "crit" (Critical) Header Parameter is understood');
    const valid = verify(
      'sha256',
      Buffer.from(`${header}.${payload}`),
      { key: key.verifier, dsaEncoding: 'ieee-p1363' },
      Buffer.from(signature, 'base64url'),
    );
    if (!valid) throw new JWSSignatureVerificationFailed();
    return UnsecuredJWT.decode(`${UNSECURED_HEADER}.${payload}.`, {
      issuer: this.issuer,
      audience,
    }).payload;
  }

  private signingKey(): Promise<SigningKey> {
    // A failed load (Redis not connected yet) is not cached: the next call tries again.
    this.key ??= this.loadKey().catch((err: unknown) => {
      this.key = undefined;
      throw err;
    });
    return this.key;
  }

  private async loadKey(): Promise<SigningKey> {
    const configured = this.config.get('AGENT_JWT_PRIVATE_KEY');
    // Env files often carry PEMs on one line with literal \n.
    const pem = configured ? configured.replace(/\\n/g, '\n') : await this.sharedDevelopmentKey();
    const privateKey = await importPKCS8(pem, ALG, { extractable: true });
    const signer = createPrivateKey(pem);
    const verifier = createPublicKey(signer);
    const { d: _private, ...pub } = await exportJWK(privateKey);
    const kid = this.config.get('AGENT_JWT_KEY_ID') ?? (await calculateJwkThumbprint(pub));
    const publicJwk: JWK = { ...pub, kid, alg: ALG, use: 'sig' };
    return { signer, verifier, publicJwk, kid };
  }

  private async sharedDevelopmentKey(): Promise<string> {
    const redisKey = `${this.config.get('BULLMQ_PREFIX')}:agent-jwt-key`;
    const existing = await this.redis.get(redisKey);
    if (existing) return existing;
    const { privateKey } = await generateKeyPair(ALG, { extractable: true });
    await this.redis.set(redisKey, await exportPKCS8(privateKey), 'NX');
    this.logger.warn(
      'AGENT_JWT_PRIVATE_KEY is not set: agent calls are signed with a development key kept in Redis',
    );
    // Whoever won the SET NX race: every replica ends up with that key.
    const shared = await this.redis.get(redisKey);
    if (!shared) throw new Error(`the agent JWT key vanished from Redis (${redisKey})`);
    return shared;
  }
}

function base64url(json: object): string {
  return Buffer.from(JSON.stringify(json)).toString('base64url');
}
