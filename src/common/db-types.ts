import type { Kysely } from 'kysely';
import type { Database } from '../database/database.types';

/** A Kysely handle or an open transaction: services take one to join a caller's transaction. */
export type Db = Kysely<Database>;
