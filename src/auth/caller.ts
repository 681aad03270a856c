export type CallerKind = 'operator' | 'apiKey' | 'user';
export type MemberRole = 'owner' | 'admin' | 'member';
export const MEMBER_ROLES: readonly MemberRole[] = ['owner', 'admin', 'member'];

/** Who is calling, established once per request by the AuthGuard. */
export interface Caller {
  kind: CallerKind;
  /** The customer the call acts for; null for an operator that named none (x-customer-id). */
  customerId: string | null;
  role: 'operator' | MemberRole | 'service';
  userId?: string;
  apiKeyId?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    caller?: Caller;
  }
}
