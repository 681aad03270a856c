import ipaddr from 'ipaddr.js';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import { promisify } from 'node:util';

const lookupAll = promisify(dnsLookup);

/** Why a receiver URL is refused; the message is shown to the customer. */
export class UnsafeUrlError extends Error {}

/**
 * True only for globally routable unicast addresses. ipaddr.js classifies the special ranges
 * (private, loopback, link-local incl. cloud metadata 169.254.169.254, unique-local, CGNAT,
 * multicast, reserved, 6to4/teredo tunnels that can embed private IPv4...); IPv4-mapped IPv6 is
 * unwrapped first by `process`.
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  return ipaddr.process(address).range() === 'unicast';
}

/** Checks a receiver URL's form: http(s), a host, no credentials in it. */
export function assertWebhookUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UnsafeUrlError('url is not a valid URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new UnsafeUrlError('url must be http or https');
  if (url.username || url.password) throw new UnsafeUrlError('url must not contain credentials');
  if (!url.hostname) throw new UnsafeUrlError('url has no host');
  return url;
}

/**
 * Resolves every address of the URL's host and refuses the URL if any is not public (a name that
 * resolves to both a public and a private address would otherwise reach the private one by chance).
 */
export async function resolvePublicHost(
  hostname: string,
  allowPrivate: boolean,
): Promise<LookupAddress[]> {
  const host = hostname.replace(/^\[|\]$/g, '');
  let addresses: LookupAddress[];
  if (isIP(host)) {
    addresses = [{ address: host, family: isIP(host) }];
  } else {
    try {
      addresses = await lookupAll(host, { all: true, verbatim: true });
    } catch (err) {
      throw new UnsafeUrlError(
        `host ${host} does not resolve (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
  }
  if (!addresses.length) throw new UnsafeUrlError(`host ${host} does not resolve`);
  if (!allowPrivate) {
    const bad = addresses.find((a) => !isPublicAddress(a.address));
    if (bad)
      throw new UnsafeUrlError(`host ${host} resolves to a non-public address (${bad.address})`);
  }
  return addresses;
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * A `lookup` for http.request that connects only to the addresses it checked, so a DNS answer
 * that changes between the check and the connection (DNS rebinding) cannot reach a private host.
 */
export function guardedLookup(allowPrivate: boolean) {
  return (hostname: string, options: { all?: boolean }, callback: LookupCallback): void => {
    resolvePublicHost(hostname, allowPrivate).then(
      (addresses) => {
        if (options.all) callback(null, addresses);
        else callback(null, addresses[0]!.address, addresses[0]!.family);
      },
      (err: Error) => callback(Object.assign(err, { code: 'EUNSAFEHOST' }), ''),
    );
  };
}
