// Implicit conversion reads design:type metadata: needed wherever this file is loaded first.
import 'reflect-metadata';
import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
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

// Reads the raw string (obj[key]): implicit conversion would already have made '0' into true.
const toBool = ({ obj, key }: { obj: Record<string, unknown>; key: string }): unknown => {
  const raw = obj[key];
  if (typeof raw !== 'string') return raw;
  if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
  return raw; // not a boolean: IsBoolean names the key
};
const redisUrl = /^rediss?:\/\/[^\s]+$/;
const postgresUrl = /^postgres(ql)?:\/\/[^\s]+$/;
const whsecList = /^(whsec_[A-Za-z0-9+/=]+)([ ,]+whsec_[A-Za-z0-9+/=]+)*$/;

/** Every setting the platform reads. Defaults are for development; production is checked below. */
export class EnvSchema {
  @IsIn(['development', 'production', 'test']) NODE_ENV: 'development' | 'production' | 'test' =
    'development';
  @IsIn(RUN_MODES) RUN_MODE: RunMode = 'all';
  @IsInt() @Min(0) @Max(65535) PORT: number = 3000;
  @IsString() HOST: string = '0.0.0.0';
  @IsInt() @Min(0) @Max(65535) WORKER_PORT: number = 3001;
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) LOG_LEVEL: string = 'info';
  @IsUrl({ require_tld: false, require_protocol: true }) PUBLIC_URL: string =
    'http://localhost:3000';

  @IsOptional()
  @Matches(postgresUrl, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL?: string;
  @IsString() PGLITE_DIR: string = './.data/pglite';
  @IsInt() @Min(1) @Max(200) DATABASE_POOL_SIZE: number = 10;

  @Matches(redisUrl, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL: string = 'redis://127.0.0.1:6379';
  @Matches(/^[A-Za-z0-9_.-]+$/, { message: 'BULLMQ_PREFIX may hold letters, digits, _ . - only' })
  BULLMQ_PREFIX: string = 've';

  @IsString() @MinLength(16) ADMIN_API_KEY: string = 'dev-admin-key-change-me';
  @Matches(whsecList, {
    message:
      'WEBHOOK_SECRET must be one or more whsec_<base64> secrets, separated by spaces or commas',
  })
  WEBHOOK_SECRET: string = 'whsec_ZGV2LXdlYmhvb2stc2VjcmV0LWNoYW5nZS1tZQ==';
  @IsString() BULL_BOARD_USER: string = 'admin';
  @IsString() @MinLength(4) BULL_BOARD_PASSWORD: string = 'admin';

  @IsOptional() @IsUrl({ require_tld: false, require_protocol: true }) SUPABASE_URL?: string;
  @IsOptional() @IsString() SUPABASE_SERVICE_ROLE_KEY?: string;
  @IsOptional() @IsString() @MinLength(32) SUPABASE_JWT_SECRET?: string;
  @IsString() SUPABASE_JWT_AUDIENCE: string = 'authenticated';

  @IsIn(K8S_MODES) @IsOptional() K8S_MODE?: K8sMode;
  @IsOptional() @IsUrl({ require_tld: false, require_protocol: true }) K8S_API_URL?: string;
  @IsOptional() @IsString() K8S_TOKEN?: string;
  @IsOptional() @IsString() KUBECONFIG?: string;
  /** Set by Kubernetes inside a pod; selects the in-cluster configuration. */
  @IsOptional() @IsString() KUBERNETES_SERVICE_HOST?: string;
  @Matches(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?-?$/, {
    message: 'K8S_NAMESPACE_PREFIX must be a DNS-1123 prefix',
  })
  K8S_NAMESPACE_PREFIX: string = 'customer-';
  @IsString() K8S_GATEWAY_NAMESPACE: string = 'agentgateway-system';
  /** CA bundle for K8S_API_URL (PEM file); K8S_INSECURE_SKIP_TLS_VERIFY is for development clusters only. */
  @IsOptional() @IsString() K8S_CA_FILE?: string;
  @Transform(toBool) @IsBoolean() K8S_INSECURE_SKIP_TLS_VERIFY: boolean = false;
  @IsInt() @Min(100) K8S_REQUEST_TIMEOUT_MS: number = 10_000;
  /** How often teardown polls a Terminating namespace, and how long it waits for it to go. */
  @IsInt() @Min(10) K8S_POLL_INTERVAL_MS: number = 2_000;
  @IsInt() @Min(1000) K8S_NAMESPACE_DELETE_TIMEOUT_MS: number = 300_000;
  /** The ClusterRole the agents' RoleBinding grants in each customer namespace (k8s/base defines it). */
  @Matches(/^[a-z0-9]([-a-z0-9.:]*[a-z0-9])?$/, {
    message: 'K8S_AGENT_CLUSTER_ROLE must be a ClusterRole name',
  })
  K8S_AGENT_CLUSTER_ROLE: string = 've-agent';
  /** Namespace of the RemoteMCPServer objects agents reference; unset = the customer's own namespace. */
  @IsOptional() @IsString() K8S_MCP_NAMESPACE?: string;

  @IsOptional() @IsUrl({ require_tld: false, require_protocol: true }) AGENT_GATEWAY_URL?: string;
  @IsString() AGENT_URL_TEMPLATE: string = '{gateway}/api/a2a/{namespace}/{agent}/';
  @IsOptional() @IsString() AGENT_JWT_PRIVATE_KEY?: string;
  @IsInt() @Min(100) AGENT_CALL_TIMEOUT_MS: number = 30000;
  @IsInt() @Min(0) @Max(10) AGENT_CALL_RETRIES: number = 2;
  /** Agent cards are fetched once per agent URL and reused this long (dropped earlier when a call fails). */
  @IsInt() @Min(0) AGENT_CARD_TTL_MS: number = 300_000;
  /** Lifetime of the JWT the backend signs for each agent/MCP call (at most 5 minutes). */
  @IsInt() @Min(30) @Max(300) AGENT_JWT_TTL_SECONDS: number = 300;
  /** `kid` of the agent JWT key; default: its RFC 7638 thumbprint. */
  @IsOptional() @IsString() AGENT_JWT_KEY_ID?: string;
  /** MCP servers behind the gateway; a VE tool given as a full URL bypasses it. */
  @IsString() MCP_URL_TEMPLATE: string = '{gateway}/mcp/{namespace}/{server}';
  @IsInt() @Min(100) MCP_CALL_TIMEOUT_MS: number = 15_000;
  /** How long routing waits for the orchestrator agent before falling back to the rules. */
  @IsInt() @Min(100) ORCHESTRATOR_TIMEOUT_MS: number = 15_000;

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
  /** Tasks: a pending/queued task without a job is re-enqueued once it is this old (lets an enqueue finish). */
  @IsInt() @Min(0) TASK_RECONCILE_GRACE_MS: number = 10_000;
  /** Tasks: first retry delay of a transient failure (doubles each attempt). */
  @IsInt() @Min(10) TASK_RETRY_BACKOFF_MS: number = 1_000;
  /** Tasks: a customer's n-th waiting task runs at priority band floor(n / this): bursts cannot starve others. */
  @IsInt() @Min(1) TASK_FAIRNESS_TIER_SIZE: number = 50;
  /** Tasks: how many levels of delegated child tasks a task may have. */
  @IsInt() @Min(1) @Max(20) TASK_MAX_DELEGATION_DEPTH: number = 5;
  @IsInt() @Min(1000) AGENT_HEALTH_INTERVAL_MS: number = 60_000;
  @IsInt() @Min(1000) SHUTDOWN_GRACE_MS: number = 25_000;
  /** Live events (GET /api/events): how often an idle stream gets a heartbeat comment line. */
  @IsInt() @Min(100) SSE_HEARTBEAT_MS: number = 15_000;

  @IsInt() @Min(1) RATE_LIMIT_PER_MINUTE: number = 6000;
  @IsInt() @Min(1) WEBHOOK_RATE_LIMIT_PER_MINUTE: number = 60000;
  @Transform(toBool) @IsBoolean() OUTBOUND_WEBHOOKS_ALLOW_PRIVATE: boolean = false;
  @IsInt() @Min(100) @Max(60_000) OUTBOUND_WEBHOOK_TIMEOUT_MS: number = 10_000;
  @IsInt() @Min(1) @Max(20) OUTBOUND_WEBHOOK_ATTEMPTS: number = 8;
  @IsInt() @Min(10) OUTBOUND_WEBHOOK_BACKOFF_MS: number = 10_000;
  @IsInt() @Min(1) @Max(1000) OUTBOUND_WEBHOOKS_CONCURRENCY: number = 20;
  @IsInt() @Min(60) WEBHOOK_DEDUPE_TTL_SECONDS: number = 3_600;
  @Transform(toBool) @IsBoolean() OTEL_ENABLED: boolean = false;
  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true })
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;
  /** Billing: usage of a model with no price is charged at this model's price (flagged fallback_price). */
  @IsString() @MinLength(1) BILLING_FALLBACK_MODEL: string = 'claude-sonnet-4-5';
}

const DEV_DEFAULTS: Partial<Record<keyof EnvSchema, string>> = {
  ADMIN_API_KEY: 'dev-admin-key-change-me',
  WEBHOOK_SECRET: 'whsec_ZGV2LXdlYmhvb2stc2VjcmV0LWNoYW5nZS1tZQ==',
  BULL_BOARD_PASSWORD: 'admin',
};

// Values of these keys never appear in error messages (they end up in logs).
const SECRET_KEY = /KEY|SECRET|PASSWORD|TOKEN/;

function shown(key: string, raw: unknown): string {
  if (raw === undefined || raw === '') return 'not set';
  if (SECRET_KEY.test(key)) return `got a value of ${String(raw).length} characters`;
  return `got ${JSON.stringify(raw)}`;
}

/** One line per bad key, with the raw value as given (not the coerced one: PORT=abc, not NaN). */
function describe(errors: ValidationError[], raw: Record<string, unknown>): string[] {
  return errors.map((e) => {
    const why = Object.values(e.constraints ?? {}).map((m) =>
      m.replace(new RegExp(`^${e.property} `), ''),
    );
    return `${e.property}: ${why.join('; ')} (${shown(e.property, raw[e.property])})`;
  });
}

/** Validates the whole environment at once; throws one error naming every bad key. */
export function validateEnv(raw: Record<string, unknown>): EnvSchema {
  const cleaned = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== ''));
  const env = plainToInstance(EnvSchema, cleaned, {
    enableImplicitConversion: true,
    exposeDefaultValues: true,
  });
  // Unset, the base URL agents call back is this process's own port (development).
  if (!cleaned.PUBLIC_URL && Number.isInteger(env.PORT))
    env.PUBLIC_URL = `http://localhost:${env.PORT}`;
  const problems = describe(
    validateSync(env, { skipMissingProperties: false, whitelist: false }),
    cleaned,
  );
  if (env.NODE_ENV === 'production') {
    for (const [key, weak] of Object.entries(DEV_DEFAULTS)) {
      const value = String(env[key as keyof EnvSchema] ?? '');
      if (!raw[key] || value === weak)
        problems.push(`${key}: must be set to a strong secret in production`);
    }
    if (env.ADMIN_API_KEY.length < 32)
      problems.push('ADMIN_API_KEY: must be at least 32 characters in production');
    if (env.BULL_BOARD_PASSWORD.length < 12) {
      problems.push('BULL_BOARD_PASSWORD: must be at least 12 characters in production');
    }
    // Standard Webhooks secrets are 24-64 random bytes; a short one is guessable.
    const shortSecret = env.WEBHOOK_SECRET.split(/[ ,]+/).some(
      (s) => Buffer.from(s.slice(6), 'base64').length < 24,
    );
    if (shortSecret)
      problems.push('WEBHOOK_SECRET: each secret must hold at least 24 random bytes in production');
    if (!env.DATABASE_URL)
      problems.push('DATABASE_URL: required in production (PGlite is for development)');
    if (!env.AGENT_JWT_PRIVATE_KEY)
      problems.push('AGENT_JWT_PRIVATE_KEY: required in production (ES256 PKCS#8 PEM)');
  }
  if (env.RUN_MODE === 'worker' && !env.DATABASE_URL) {
    problems.push(
      'DATABASE_URL: RUN_MODE=worker needs a shared Postgres (PGlite is single-process)',
    );
  }
  if (problems.length) throw new Error(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  return env;
}
