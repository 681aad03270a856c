import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface FakeTls {
  key: string;
  cert: string;
  /** The certificate as a file: the CA bundle the client trusts (K8S_CA_FILE). */
  caFile: string;
}

/**
 * A self-signed certificate for 127.0.0.1, made once per machine with the openssl CLI
 * (Node cannot issue X.509 certificates by itself).
 */
export function fakeTls(): FakeTls {
  const dir = join(tmpdir(), 've-fake-k8s-tls');
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  if (!existsSync(certFile) || !existsSync(keyFile)) {
    mkdirSync(dir, { recursive: true });
    const suffix = `.${process.pid}.tmp`;
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        keyFile + suffix,
        '-out',
        certFile + suffix,
        '-days',
        '3650',
        '-subj',
        '/CN=fake-kubernetes',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
      ],
      { stdio: 'ignore' },
    );
    // Renames are atomic: test files started in parallel never read half a file.
    execFileSync('mv', [keyFile + suffix, keyFile]);
    execFileSync('mv', [certFile + suffix, certFile]);
  }
  return {
    key: readFileSync(keyFile, 'utf8'),
    cert: readFileSync(certFile, 'utf8'),
    caFile: certFile,
  };
}
