export type Plan = 'free' | 'pro' | 'enterprise';

/** What one customer namespace may use, per plan: the quota's totals and the per-container bounds. */
export interface PlanSizing {
  quota: {
    requestsCpu: string;
    requestsMemory: string;
    limitsCpu: string;
    limitsMemory: string;
    pods: number;
    /** Virtual employees (kagent Agents) the namespace may hold. */
    agents: number;
    secrets: number;
    configMaps: number;
    services: number;
    persistentVolumeClaims: number;
  };
  container: {
    defaultCpu: string;
    defaultMemory: string;
    defaultRequestCpu: string;
    defaultRequestMemory: string;
    maxCpu: string;
    maxMemory: string;
  };
}

export const PLAN_SIZING: Record<Plan, PlanSizing> = {
  free: {
    quota: {
      requestsCpu: '1',
      requestsMemory: '2Gi',
      limitsCpu: '2',
      limitsMemory: '4Gi',
      pods: 6,
      agents: 3,
      secrets: 10,
      configMaps: 10,
      services: 6,
      persistentVolumeClaims: 0,
    },
    container: {
      defaultCpu: '500m',
      defaultMemory: '512Mi',
      defaultRequestCpu: '100m',
      defaultRequestMemory: '256Mi',
      maxCpu: '1',
      maxMemory: '1Gi',
    },
  },
  pro: {
    quota: {
      requestsCpu: '4',
      requestsMemory: '8Gi',
      limitsCpu: '8',
      limitsMemory: '16Gi',
      pods: 30,
      agents: 20,
      secrets: 40,
      configMaps: 40,
      services: 30,
      persistentVolumeClaims: 5,
    },
    container: {
      defaultCpu: '1',
      defaultMemory: '1Gi',
      defaultRequestCpu: '250m',
      defaultRequestMemory: '512Mi',
      maxCpu: '2',
      maxMemory: '4Gi',
    },
  },
  enterprise: {
    quota: {
      requestsCpu: '16',
      requestsMemory: '32Gi',
      limitsCpu: '32',
      limitsMemory: '64Gi',
      pods: 120,
      agents: 100,
      secrets: 200,
      configMaps: 200,
      services: 120,
      persistentVolumeClaims: 20,
    },
    container: {
      defaultCpu: '2',
      defaultMemory: '2Gi',
      defaultRequestCpu: '500m',
      defaultRequestMemory: '1Gi',
      maxCpu: '4',
      maxMemory: '8Gi',
    },
  },
};
