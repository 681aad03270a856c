/**
 * The row a job names is not there. Producers enqueue inside the transaction that writes the row,
 * so a fast worker can look before the commit: DeploymentsProcessor looks again shortly (without
 * spending an attempt). If it stays missing, it was deleted meanwhile and the job has nothing to do.
 */
export class NotVisibleYetError extends Error {
  constructor(what: string) {
    super(`${what} not found (not committed yet, or deleted)`);
    this.name = 'NotVisibleYetError';
  }
}
