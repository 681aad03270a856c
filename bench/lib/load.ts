import autocannon from 'autocannon';

export interface LoadResult {
  requests: number;
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
}

/** Runs autocannon; each request is produced by `next()` (unique bodies and headers). */
export async function runLoad(opts: {
  url: string;
  method?: 'GET' | 'POST';
  durationSec: number;
  connections: number;
  next?: () => { path?: string; headers?: Record<string, string>; body?: string };
  headers?: Record<string, string>;
}): Promise<LoadResult> {
  const result = await autocannon({
    url: opts.url,
    method: opts.method ?? 'GET',
    connections: opts.connections,
    duration: opts.durationSec,
    headers: opts.headers,
    requests: opts.next
      ? [
          {
            setupRequest: (req) => {
              const n = opts.next!();
              return {
                ...req,
                path: n.path ?? req.path,
                headers: { ...req.headers, ...n.headers },
                body: n.body,
              };
            },
          },
        ]
      : undefined,
  });
  return {
    requests: result.requests.total,
    reqPerSec: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}
