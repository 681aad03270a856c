export { KYSELY } from './database.constants';
export type { Database } from './database.types';
