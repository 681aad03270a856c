import { Webhook } from 'standardwebhooks';
import type { AppConfig } from '../config/app-config';
import { WebhookRejectedError, WebhookSignatureVerifier } from './webhook-signature.verifier';

const OLD = 'whsec_b2xkLXNlY3JldC0wMTIzNDU2Nzg5YWJjZGVm';
const NEW = 'whsec_bmV3LXNlY3JldC0wMTIzNDU2Nzg5YWJjZGVm';
const OTHER = 'whsec_b3RoZXItc2VjcmV0LTAxMjM0NTY3ODlhYmNk';

function verifier(secrets: string[]): WebhookSignatureVerifier {
  return new WebhookSignatureVerifier({ webhookSecrets: secrets } as unknown as AppConfig);
}

function signed(secret: string, body: string, at = new Date(), id = 'msg_1') {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(id, at, body),
  };
}

function reasonOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(WebhookRejectedError);
    return (err as WebhookRejectedError).reason;
  }
  throw new Error('expected a rejection');
}

describe('WebhookSignatureVerifier', () => {
  const body = '{"a":1}';

  it('accepts a signature by any configured secret (rotation)', () => {
    const v = verifier([OLD, NEW]);
    expect(v.verify(Buffer.from(body), signed(OLD, body)).id).toBe('msg_1');
    expect(v.verify(Buffer.from(body), signed(NEW, body)).id).toBe('msg_1');
  });

  it('names the reason of each refusal', () => {
    const v = verifier([NEW]);
    expect(reasonOf(() => v.verify(Buffer.from(body), signed(OTHER, body)))).toBe('bad_signature');
    expect(reasonOf(() => v.verify(Buffer.from('{"a":2}'), signed(NEW, body)))).toBe(
      'bad_signature',
    );
    const { 'webhook-signature': _s, ...noSig } = signed(NEW, body);
    expect(reasonOf(() => v.verify(Buffer.from(body), noSig))).toBe('missing_header');
    expect(
      reasonOf(() =>
        v.verify(Buffer.from(body), { ...signed(NEW, body), 'webhook-timestamp': 'yesterday' }),
      ),
    ).toBe('malformed_header');
    expect(
      reasonOf(() =>
        v.verify(Buffer.from(body), { ...signed(NEW, body), 'webhook-signature': 'sha256=abc' }),
      ),
    ).toBe('malformed_header');
    const old = new Date(Date.now() - 6 * 60_000);
    expect(reasonOf(() => v.verify(Buffer.from(body), signed(NEW, body, old)))).toBe(
      'stale_timestamp',
    );
    const future = new Date(Date.now() + 6 * 60_000);
    expect(reasonOf(() => v.verify(Buffer.from(body), signed(NEW, body, future)))).toBe(
      'future_timestamp',
    );
  });

  it('accepts a signature list where one entry matches', () => {
    const h = signed(NEW, body);
    h['webhook-signature'] =
      `${new Webhook(OTHER).sign('msg_1', new Date(), body)} ${h['webhook-signature']}`;
    expect(verifier([NEW]).verify(Buffer.from(body), h).id).toBe('msg_1');
  });

  it('agrees with the standardwebhooks library on what is signed', () => {
    const v = verifier([NEW]);
    const lib = new Webhook(NEW);
    for (const text of ['{"message":"héllo — 日本語 👋"}', '', '{"a":[1,2,{"b":null}]}']) {
      const h = signed(NEW, text);
      expect(() => lib.verify(text, h)).not.toThrow();
      expect(v.verify(Buffer.from(text), h).id).toBe('msg_1');
      const tampered = `${text} `;
      expect(reasonOf(() => v.verify(Buffer.from(tampered), h))).toBe('bad_signature');
    }
    // Only v1 signatures count, as in the library.
    const h = signed(NEW, body);
    h['webhook-signature'] = h['webhook-signature'].replace(/^v1,/, 'v1a,');
    expect(reasonOf(() => v.verify(Buffer.from(body), h))).toBe('bad_signature');
  });
});
