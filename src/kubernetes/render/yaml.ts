import { stringify } from 'yaml';
import type { K8sObject } from './k8s-object';

/** Objects as one multi-document YAML stream (kubectl apply -f / GitOps), with optional leading comments. */
export function toYamlDocuments(objects: K8sObject[], comments: string[] = []): string {
  const header = comments.map((c) => `# ${c}\n`).join('');
  const docs = objects.map((o) => stringify(o, { lineWidth: 0 }));
  return header + docs.map((d) => `---\n${d}`).join('');
}
