/** Injection token of the Kysely instance; Symbol.for keeps it one token even if the module loads twice (jest.isolateModules). */
export const KYSELY = Symbol.for('ve.KYSELY');
