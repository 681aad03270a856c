import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsEnum,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  MinLength,
  validateSync,
  ValidationError,
} from 'class-validator';

export const RUN_MODES = ['all', 'api', 'worker'] as const;
export type RunMode = (typeof RUN_MODES)[number];
export const K8S_MODES = ['cluster', 'dry-run', 'off'] as const;
export type K8sMode = (typeof K8S_MODES)[number];

const toBool = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : ['1', 'true', 'yes', 'on'].includes(String(value).toLowerCase());
const redisUrl = /^rediss?:\/\/[^\s]+$/;
const postgresUrl = /^postgres(ql)?:\/\/[^\s]+$/;
const whsecList = /^(whsec_[A-Za-z0-9+/=]+)([ ,]+whsec_[A-Za-z0-9+/=]+)*$/;

/** Every setting the platform reads. Defaults are for development; production is checked below. */
export class EnvSchema {
  @IsEnum(['development', 'production', 'test']) NODE_ENV: 'development' | 'production' | 'test' = 'development';
  @IsEnum(RUN_MODES) RUN_MODE: RunMode = 'all';
  @IsInt() @Min(0) @Max(65535) PORT: number = 3000;
  @IsString() HOST: string = '0.0.0.0';
  @IsInt() @Min(0) @Max(65535) WORKER_PORT: number = 3001;
  @IsEnum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) LOG_LEVEL: string = 'info';
  @IsUrl({ require_tld: false, require_protocol: true }) PUBLIC_URL: string = 'http://localhost:3000';

  @IsOptional() @Matches(postgresUrl, { message: 'DATABASE_URL must be a postgres:// URL' }) DATABASE_URL?: string;
  @IsString() PGLITE_DIR: string = './.data/pglite';
  @IsInt() @Min(1) @Max(200) DATABASE_POOL_SIZE: number = 10;

  @Matches(redisUrl, { message: 'REDIS_URL must be a redis:// or rediss:// URL' }) REDIS_URL: string = 'redis://127.0.0.1:6379';
  @Matches(/^[A-Za-z0-9_.-]+$/, { message: 'BULLMQ_PREFIX may hold letters, digits, _ . - only' }) BULLMQ_PREFIX: string = 've';

  @IsString() @MinLength(16) ADMIN_API_KEY: string = 'dev-admin-key-change-me';
  @Matches(whsecList, { message: 'WEBHOOK_SECRET must be one or more whsec_<base64> secrets, separated by spaces or commas' })
  WEBHOOK_SECRET: string = 'whsec_ZGV2LXdlYmhvb2stc2VjcmV0LWNoYW5nZS1tZQ==';
  @IsString() BULL_BOARD_USER: string = 'admin';
  @IsString() @MinLength(4) BULL_BOARD_PASSWORD: string = 'admin';

  @IsOptional() @IsUrl({ require_tld: false, require_protocol: true }) SUPABASE_URL?: string;
  @IsOptional() @IsString() SUPABASE_SERVICE_ROLE_KEY?: string;
  @IsOptional() @IsString() @MinLength(32) SUPABASE_JWT_SECRET?: string;
  @IsString() SUPABASE_JWT_AUDIENCE: string = 'authenticated';

  @IsEnum(K8S_MODES) @IsOptional() K8S_MODE?: K8sMode;
  @IsOptional() @IsUrl({ require_tld: false, require_protocol: true }) K8S_API_URL?: string;
  @IsOptional() @IsString() K8S_TOKEN?: string;
  @IsOptional() @IsString() KUBECONFIG?: string;
  /** Set by Kubernetes inside a pod; selects the in-cluster configuration. */
  @IsOptional() @IsString() KUBERNETES_SERVICE_HOST?: string;
  @Matches(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?-?$/, { message: 'K8S_NAMESPACE_PREFIX must be a DNS-1123 prefix' })
  K8S_NAMESPACE_PREFIX: string = 'customer-';
  @IsString() K8S_GATEWAY_NAMESPACE: string = 'agentgateway-system';

  @IsOptional() @IsUrl({ require_tld: false, require_protocol: true }) AGENT_GATEWAY_URL?: string;
  @IsString() AGENT_URL_TEMPLATE: string = '{gateway}/api/a2a/{namespace}/{agent}/';
  @IsOptional() @IsString() AGENT_JWT_PRIVATE_KEY?: string;
  @IsInt() @Min(100) AGENT_CALL_TIMEOUT_MS: number = 30000;
  @IsInt() @Min(0) @Max(10) AGENT_CALL_RETRIES: number = 2;

  @IsOptional() @IsString() OPENAI_API_KEY?: string;
  @IsOptional() @IsString() ANTHROPIC_API_KEY?: string;

  @IsInt() @Min(1) @Max(1000) TASKS_CONCURRENCY: number = 50;
  @IsInt() @Min(1) @Max(1000) WEBHOOKS_CONCURRENCY: number = 50;
  @IsInt() @Min(1) @Max(1000) MESSAGES_CONCURRENCY: number = 10;
  @IsInt() @Min(1) @Max(100) DEPLOYMENTS_CONCURRENCY: number = 5;
  @IsInt() @Min(1) @Max(10000) CUSTOMER_TASK_CONCURRENCY: number = 20;
  @IsInt() @Min(1) @Max(20) TASK_MAX_ATTEMPTS: number = 3;
  @IsInt() @Min(1000) TASK_DEADLINE_MS: number = 15 * 60_000;
  @IsInt() @Min(1000) RECONCILE_INTERVAL_MS: number = 30_000;
  @IsInt() @Min(1000) AGENT_HEALTH_INTERVAL_MS: number = 60_000;
  @IsInt() @Min(1000) SHUTDOWN_GRACE_MS: number = 25_000;

  @IsInt() @Min(1) RATE_LIMIT_PER_MINUTE: number = 6000;
  @IsInt() @Min(1) WEBHOOK_RATE_LIMIT_PER_MINUTE: number = 60000;
  @Transform(toBool) @IsBoolean() OUTBOUND_WEBHOOKS_ALLOW_PRIVATE: boolean = false;
  @Transform(toBool) @IsBoolean() OTEL_ENABLED: boolean = false;
  @IsOptional() @IsUrl({ require_tld: false, require_protocol: true }) OTEL_EXPORTER_OTLP_ENDPOINT?: string;
}

const DEV_DEFAULTS: Partial<Record<keyof EnvSchema, string>> = {
  ADMIN_API_KEY: 'dev-admin-key-change-me',
  WEBHOOK_SECRET: 'whsec_ZGV2LXdlYmhvb2stc2VjcmV0LWNoYW5nZS1tZQ==',
  BULL_BOARD_PASSWORD: 'admin',
};

function describe(errors: ValidationError[]): string[] {
  return errors.map((e) => `${e.property}: ${Object.values(e.constraints ?? {}).join('; ')} (got ${JSON.stringify(e.value)})`);
}

/** Validates the whole environment at once; throws one error naming every bad key. */
export function validateEnv(raw: Record<string, unknown>): EnvSchema {
  const cleaned = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== ''));
  const env = plainToInstance(EnvSchema, cleaned, { enableImplicitConversion: true, exposeDefaultValues: true });
  const problems = describe(validateSync(env, { skipMissingProperties: false, whitelist: false }));
  if (env.NODE_ENV === 'production') {
    for (const [key, weak] of Object.entries(DEV_DEFAULTS)) {
      const value = String(env[key as keyof EnvSchema] ?? '');
      if (!raw[key] || value === weak) problems.push(`${key}: must be set to a strong secret in production`);
    }
    if (env.ADMIN_API_KEY.length < 32) problems.push('ADMIN_API_KEY: must be at least 32 characters in production');
    if (!env.DATABASE_URL) problems.push('DATABASE_URL: required in production (PGlite is for development)');
    if (!env.AGENT_JWT_PRIVATE_KEY) problems.push('AGENT_JWT_PRIVATE_KEY: required in production (ES256 PKCS#8 PEM)');
  }
  if (env.RUN_MODE === 'worker' && !env.DATABASE_URL) {
    problems.push('DATABASE_URL: RUN_MODE=worker needs a shared Postgres (PGlite is single-process)');
  }
  if (problems.length) throw new Error(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  return env;
}
