import type { ApiException } from '@kubernetes/client-node';

/**
 * A failed Kubernetes call, classified: `code` null means the API server was not reached
 * (refused, reset, timed out); otherwise the HTTP status and the Status `reason`.
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

  get unreachable(): boolean {
    return this.code === null;
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
 * Only a loaded client library throws ApiExceptions, and it is loaded only in K8S_MODE=cluster
 * (see KubernetesClient): asked here lazily, so importing this file does not load it.
 */
function isApiException(err: unknown): err is ApiException<unknown> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const lib = require('@kubernetes/client-node') as typeof import('@kubernetes/client-node');
  return err instanceof lib.ApiException;
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
