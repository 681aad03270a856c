import { getMetadataStorage } from 'class-validator';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EnvSchema } from './env.schema';

const ROOT = join(__dirname, '..', '..');
/** Every key of the schema: each one carries at least one validation decorator. */
const SCHEMA_KEYS = [
  ...new Set(
    getMetadataStorage()
      .getTargetValidationMetadatas(EnvSchema, '', true, false)
      .map((m) => m.propertyName),
  ),
].sort();

describe('configuration documentation', () => {
  it('finds the schema keys', () => {
    expect(SCHEMA_KEYS).toEqual(
      expect.arrayContaining(['DATABASE_URL', 'REDIS_URL', 'RUN_MODE', 'PORT']),
    );
  });

  it('.env.example documents every key, and no key the schema does not know', () => {
    const text = readFileSync(join(ROOT, '.env.example'), 'utf8');
    const documented = [...text.matchAll(/^#? ?([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]!);
    expect([...new Set(documented)].sort()).toEqual(SCHEMA_KEYS);
  });

  it("the README's configuration table lists every key", () => {
    const text = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const listed = new Set([...text.matchAll(/^\| `([A-Z][A-Z0-9_]+)` \|/gm)].map((m) => m[1]!));
    expect(SCHEMA_KEYS.filter((k) => !listed.has(k))).toEqual([]);
  });
});
