import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import {
  calculateJwkThumbprint,
  type CryptoKey,
  exportJWK,
  exportPKCS8,
  generateKeyPair,
  importJWK,
  importPKCS8,
  JWK,
  JWTPayload,
  jwtVerify,
  SignJWT,
} from 'jose';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { REDIS } from '../redis/redis.module';
import { stripTrailingSlash } from './agent-url';

const ALG = 'ES256';

interface SigningKey {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
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
    return new SignJWT({
      customer_id: claims.customerId,
      ...(claims.veId ? { ve_id: claims.veId } : {}),
      ...(claims.taskId ? { task_id: claims.taskId } : {}),
    })
      .setProtectedHeader({ alg: ALG, kid: key.kid, typ: 'JWT' })
      .setIssuer(this.issuer)
      .setAudience(claims.audience)
      .setSubject(claims.customerId)
      .setIssuedAt()
      .setExpirationTime(`${ttl}s`)
      .setJti(randomUUID())
      .sign(key.privateKey);
  }

  /** The public half, as served at /.well-known/jwks.json. */
  async jwks(): Promise<{ keys: JWK[] }> {
    return { keys: [(await this.signingKey()).publicJwk] };
  }

  /** Verifies a token this backend signed for `audience` (the sandbox agent checks its callers with it). */
  async verify(token: string, audience: string): Promise<JWTPayload> {
    const key = await this.signingKey();
    const { payload } = await jwtVerify(token, key.publicKey, {
      algorithms: [ALG],
      issuer: this.issuer,
      audience,
    });
    return payload;
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
    const { d: _private, ...pub } = await exportJWK(privateKey);
    const kid = this.config.get('AGENT_JWT_KEY_ID') ?? (await calculateJwkThumbprint(pub));
    const publicJwk: JWK = { ...pub, kid, alg: ALG, use: 'sig' };
    const publicKey = (await importJWK(pub, ALG)) as CryptoKey;
    return { privateKey, publicKey, publicJwk, kid };
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
