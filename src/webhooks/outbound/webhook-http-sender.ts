import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { guardedLookup } from './ssrf-guard';

export interface SendResult {
  /** Undefined when no HTTP answer came (refused, timeout, unsafe host). */
  status?: number;
  error?: string;
  /** The receiver's host was refused by the SSRF guard: retrying will not help. */
  unsafe?: boolean;
}

const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * POSTs one signed delivery. Node's http client (not fetch) because it takes a `lookup`: the
 * connection goes only to addresses the SSRF guard approved. Redirects are not followed (a redirect
 * to an internal host is the classic bypass); a 3xx counts as a failure.
 */
export function postWebhook(
  url: URL,
  body: string,
  headers: Record<string, string>,
  opts: { timeoutMs: number; allowPrivate: boolean },
): Promise<SendResult> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const req = send(url, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      lookup: guardedLookup(opts.allowPrivate) as never,
      timeout: opts.timeoutMs,
    });
    const timer = setTimeout(
      () => req.destroy(new Error(`timed out after ${opts.timeoutMs} ms`)),
      opts.timeoutMs,
    );
    req.on('response', (res) => {
      let seen = 0;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => {
        seen += c.length;
        if (seen <= MAX_RESPONSE_BYTES) chunks.push(c);
      });
      res.on('end', () => {
        clearTimeout(timer);
        const status = res.statusCode ?? 0;
        const ok = status >= 200 && status < 300;
        resolve(
          ok
            ? { status }
            : {
                status,
                error: `HTTP ${status}: ${Buffer.concat(chunks).toString('utf8').slice(0, 200)}`,
              },
        );
      });
      res.on('error', (err) => {
        clearTimeout(timer);
        resolve({ status: res.statusCode, error: err.message });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`timed out after ${opts.timeoutMs} ms`)));
    req.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ error: err.message, unsafe: err.code === 'EUNSAFEHOST' });
    });
    req.end(body);
  });
}
