/** Injection token of the Kysely instance. */
export const KYSELY = Symbol('KYSELY');
