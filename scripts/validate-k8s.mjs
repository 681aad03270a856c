#!/usr/bin/env node
// Renders k8s/base and every k8s/overlays/* with `kubectl kustomize` and validates each object
// against its Kubernetes schema (kubernetes-models), plus the rules this deployment relies on
// (scripts/k8s-policy.mjs). Example files (k8s/base/*.example.yaml) are validated as they are.
// Exit 1 on any problem. Usage: npm run k8s:validate [-- <kustomization dir>...]
/* global process, console */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { key, policyProblems } from './k8s-policy.mjs';

const require = createRequire(import.meta.url);
const root = join(import.meta.dirname, '..');
const targets = process.argv.slice(2).length
  ? process.argv.slice(2)
  : ['k8s/base', ...readdirSync(join(root, 'k8s/overlays')).map((d) => `k8s/overlays/${d}`)];

function render(dir) {
  try {
    const path = isAbsolute(dir) ? dir : join(root, dir);
    return execFileSync('kubectl', ['kustomize', path], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (err) {
    if (err.code === 'ENOENT') {
      console.error('kubectl not found: install it (Debian: apt-get install -y kubernetes-client)');
      process.exit(2);
    }
    throw new Error(`kubectl kustomize ${dir} failed: ${err.stderr || err.message}`, {
      cause: err,
    });
  }
}

/** kubernetes-models/<group>/<version> for "group/version", kubernetes-models/v1 for the core group. */
function modelFor(apiVersion, kind) {
  const path = `kubernetes-models/${apiVersion}`;
  if (!existsSync(join(root, 'node_modules', path))) return null;
  return require(path)[kind] ?? null;
}

/** Parse errors, documents that are not objects (an emptied patch), and each object's schema errors. */
function schemaErrors(docs) {
  const errors = [];
  for (const [i, d] of docs.entries()) {
    if (d.errors.length) errors.push(`document ${i}: ${d.errors[0].message}`);
    const o = d.toJS();
    if (!o?.apiVersion || !o?.kind) {
      errors.push(`document ${i}: not a Kubernetes object (${JSON.stringify(o)})`);
      continue;
    }
    const Model = modelFor(o.apiVersion, o.kind);
    if (!Model) {
      errors.push(`${key(o)}: no schema for ${o.apiVersion} ${o.kind}`);
      continue;
    }
    try {
      new Model(o).validate();
    } catch (err) {
      errors.push(`${key(o)}: ${err.message}`);
    }
  }
  return errors;
}

function report(name, objects, errors) {
  if (errors.length) {
    console.error(`✗ ${name}: ${errors.length} problem(s)`);
    for (const e of errors) console.error(`  - ${e}`);
    return false;
  }
  const kinds = [...new Set(objects.map((o) => o.kind))].join(', ');
  process.stdout.write(`✓ ${name}: ${objects.length} objects valid (${kinds})\n`);
  return true;
}

let ok = true;
for (const dir of targets) {
  const docs = parseAllDocuments(render(dir));
  const objects = docs.map((d) => d.toJS()).filter((o) => o?.kind);
  ok = report(dir, objects, [...schemaErrors(docs), ...policyProblems(objects)]) && ok;
}
for (const file of readdirSync(join(root, 'k8s/base')).filter((f) => f.endsWith('.example.yaml'))) {
  const docs = parseAllDocuments(readFileSync(join(root, 'k8s/base', file), 'utf8'));
  ok =
    report(`k8s/base/${file}`, docs.map((d) => d.toJS()).filter(Boolean), schemaErrors(docs)) && ok;
}
process.exit(ok ? 0 : 1);
