import type { EnvSchema } from '../config/env.schema';

interface Stoppable {
  shutdown(): Promise<void>;
}

let sdk: Stoppable | undefined;
let instrumentations: Array<{ disable(): void }> = [];

/**
 * Starts OpenTelemetry tracing when OTEL_ENABLED: spans for HTTP (in and out), Postgres and
 * Redis, exported over OTLP/HTTP to OTEL_EXPORTER_OTLP_ENDPOINT (default localhost:4318); queues
 * are traced by bullmq-otel (see QueueModule). Call before the app module is imported, so the
 * pg and ioredis instrumentations patch those modules as they load. Off, it loads nothing.
 */
export async function startTelemetry(
  env: Pick<EnvSchema, 'OTEL_ENABLED' | 'OTEL_EXPORTER_OTLP_ENDPOINT'>,
  serviceName: string,
): Promise<boolean> {
  if (!env.OTEL_ENABLED || sdk) return Boolean(sdk);
  const [
    { NodeSDK },
    { OTLPTraceExporter },
    { HttpInstrumentation },
    { PgInstrumentation },
    { IORedisInstrumentation },
  ] = await Promise.all([
    import('@opentelemetry/sdk-node'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/instrumentation-http'),
    import('@opentelemetry/instrumentation-pg'),
    import('@opentelemetry/instrumentation-ioredis'),
  ]);
  const endpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT?.replace(/\/+$/, '');
  const used = [
    // Probes and scrapes would drown the traces that matter.
    new HttpInstrumentation({
      ignoreIncomingRequestHook: (req) => /^\/(health|metrics)/.test(req.url ?? ''),
    }),
    new PgInstrumentation(),
    new IORedisInstrumentation(),
  ];
  instrumentations = used;
  const started = new NodeSDK({
    serviceName,
    traceExporter: new OTLPTraceExporter(endpoint ? { url: `${endpoint}/v1/traces` } : {}),
    instrumentations: used,
  });
  started.start();
  sdk = started;
  return true;
}

/** Flushes and stops tracing (on application shutdown). */
export async function stopTelemetry(): Promise<void> {
  const current = sdk;
  sdk = undefined;
  await current?.shutdown();
  // The SDK's shutdown leaves the modules patched; unpatch them so a stopped tracer costs nothing.
  for (const instrumentation of instrumentations.splice(0)) instrumentation.disable();
}

export function telemetryStarted(): boolean {
  return sdk !== undefined;
}
