import type { ApiException } from '@kubernetes/client-node';

/**
 * A failed Kubernetes call, classified: `code` is the HTTP status and `reason` the Status
 * reason; `code` null means no HTTP answer — `reason` 'Unreachable'/'Timeout' when the API
 * server was not reached, 'Unknown' for any other error (which says nothing about the server).
 */
export class KubeApiError extends Error {
  constructor(
    readonly what: string,
    /** What went wrong, without the call (for status reasons). */
    readonly detail: string,
    readonly code: number | null,
    readonly reason: string | null,
    options?: { cause?: unknown },
  ) {
    super(`${what}: ${detail}`, options);
    this.name = 'KubeApiError';
  }

  /** Only connection errors and timeouts: an answer, even a 404, came from a reachable server. */
  get unreachable(): boolean {
    return this.reason === 'Unreachable' || this.reason === 'Timeout';
  }

  /** Why the API server cannot serve us now (unreachable, or a 5xx), or null when it answered. */
  get outage(): string | null {
    if (this.unreachable) return this.detail;
    return this.code !== null && this.code >= 500
      ? `Kubernetes API unavailable (${this.detail})`
      : null;
  }

  /** Bad requests and invalid objects stay bad; outages, conflicts and RBAC being fixed may pass later. */
  get retryable(): boolean {
    return this.code === null || ![400, 415, 422].includes(this.code);
  }

  static from(err: unknown, what: string): KubeApiError {
    if (err instanceof KubeApiError) return err;
    const opts = { cause: err };
    if (isApiException(err)) {
      const status = parseStatus(err.body);
      const detail =
        status?.message ?? (typeof err.body === 'string' ? err.body.slice(0, 300) : err.message);
      return new KubeApiError(
        what,
        `${err.code} ${detail}`,
        err.code,
        status?.reason ?? null,
        opts,
      );
    }
    const e = err as Error & { cause?: { code?: string; message?: string } };
    if (e?.name === 'TimeoutError' || e?.name === 'AbortError') {
      return new KubeApiError(
        what,
        'Kubernetes API unreachable (no answer in time)',
        null,
        'Timeout',
        opts,
      );
    }
    if (e instanceof TypeError || e?.cause?.code) {
      const why = e.cause?.code ?? e.cause?.message ?? e.message;
      return new KubeApiError(
        what,
        `Kubernetes API unreachable (${why})`,
        null,
        'Unreachable',
        opts,
      );
    }
    const message = e?.message ?? String(err);
    if (/Unrecognized API version and kind/.test(message)) {
      return new KubeApiError(
        what,
        `${message} (are the kagent CRDs installed?)`,
        404,
        'NotServed',
        opts,
      );
    }
    return new KubeApiError(what, message, null, 'Unknown', opts);
  }
}

/**
 * The client library's ApiException, recognised by its shape, not by instanceof: the library
 * is loaded lazily and only in K8S_MODE=cluster (see KubernetesClient), and a second copy of it
 * (another module registry, e.g. jest's isolated app registry) has another class. An
 * unrecognised 404 would otherwise look like an outage.
 */
function isApiException(err: unknown): err is ApiException<unknown> {
  if (!(err instanceof Error) || !('body' in err) || !('headers' in err)) return false;
  const code = (err as Partial<ApiException<unknown>>).code;
  return typeof code === 'number' && code >= 100 && code <= 599;
}

function parseStatus(body: unknown): { message?: string; reason?: string } | null {
  try {
    const parsed = typeof body === 'string' ? JSON.parse(body) : body;
    return parsed && typeof parsed === 'object'
      ? (parsed as { message?: string; reason?: string })
      : null;
  } catch {
    return null;
  }
}
