import { createHash, randomBytes } from 'node:crypto';

export const API_KEY_PREFIX = 'vek_';

/** A new customer API key: `vek_` + 256 random bits. Only its hash is stored. */
export function generateApiKey(): { key: string; prefix: string; hash: string } {
  const key = API_KEY_PREFIX + randomBytes(32).toString('base64url');
  return { key, prefix: key.slice(0, 12), hash: hashApiKey(key) };
}

/** SHA-256 suffices: the secret has 256 bits of entropy, so no slow hash is needed against guessing. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}
