// What this backend needs from its own manifests, beyond schema validity.
export const key = (o) =>
  `${o.kind}/${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name}`;
const matches = (selector = {}, labels = {}) =>
  Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);

function containerProblems(where, c, pod) {
  const problems = [];
  const need = (ok, what) => ok || problems.push(`${where}: ${what}`);
  need(
    c.livenessProbe?.httpGet?.path?.startsWith('/health/live'),
    'liveness probe must be /health/live',
  );
  need(
    c.readinessProbe?.httpGet?.path?.startsWith('/health/ready'),
    'readiness probe must be /health/ready',
  );
  need(c.resources?.requests && c.resources?.limits, 'needs resource requests and limits');
  need(c.securityContext?.readOnlyRootFilesystem === true, 'readOnlyRootFilesystem must be true');
  need(
    c.securityContext?.allowPrivilegeEscalation === false,
    'allowPrivilegeEscalation must be false',
  );
  const tmp = (c.volumeMounts ?? []).find((m) => m.mountPath === '/tmp');
  need(
    tmp && pod.volumes?.some((v) => v.name === tmp.name && v.emptyDir),
    '/tmp must be an emptyDir',
  );
  return problems;
}

export function policyProblems(objects) {
  const problems = [];
  const deployments = objects.filter((o) => o.kind === 'Deployment');
  const configMaps = new Set(
    objects.filter((o) => o.kind === 'ConfigMap').map((o) => o.metadata.name),
  );
  for (const d of deployments) {
    const pod = d.spec.template.spec;
    const env = pod.containers.flatMap((c) => c.env ?? []);
    const runMode = env.find((e) => e.name === 'RUN_MODE')?.value;
    if (!['api', 'worker'].includes(runMode))
      problems.push(`${key(d)}: RUN_MODE must be api or worker`);
    if (runMode === 'api' && d.spec.replicas < 3)
      problems.push(`${key(d)}: the API runs at least 3 replicas`);
    if (pod.securityContext?.runAsNonRoot !== true)
      problems.push(`${key(d)}: runAsNonRoot must be true`);
    if (!pod.serviceAccountName) problems.push(`${key(d)}: needs its own serviceAccountName`);
    if (!matches(d.spec.selector.matchLabels, d.spec.template.metadata.labels)) {
      problems.push(`${key(d)}: selector does not match its pods`);
    }
    for (const c of pod.containers) {
      const where = `${key(d)} container ${c.name}`;
      problems.push(...containerProblems(where, c, pod));
      for (const from of c.envFrom ?? []) {
        if (from.configMapRef && !configMaps.has(from.configMapRef.name)) {
          problems.push(`${where}: envFrom ConfigMap "${from.configMapRef.name}" is not rendered`);
        }
        if (from.secretRef && !from.secretRef.name)
          problems.push(`${where}: envFrom Secret has no name`);
      }
    }
  }
  const podLabels = deployments.map((d) => d.spec.template.metadata.labels);
  for (const o of objects) {
    const selects = (selector) => podLabels.some((l) => matches(selector, l));
    if (o.kind === 'Service' && !selects(o.spec.selector))
      problems.push(`${key(o)}: selects no pods`);
    if (o.kind === 'PodDisruptionBudget' && !selects(o.spec.selector.matchLabels)) {
      problems.push(`${key(o)}: selects no pods`);
    }
    if (
      o.kind === 'HorizontalPodAutoscaler' &&
      !deployments.some((d) => d.metadata.name === o.spec.scaleTargetRef.name)
    ) {
      problems.push(`${key(o)}: scales a Deployment that does not exist`);
    }
  }
  return problems;
}
