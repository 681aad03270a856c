/** Errors services throw; the exception filter maps each to its HTTP status. */
export class DomainError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly details?: unknown[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class NotFoundError extends DomainError {
  constructor(what: string, id?: string) {
    super(id ? `${what} ${id} not found` : `${what} not found`, 404);
  }
}
export class ConflictError extends DomainError {
  constructor(message: string, details?: unknown[]) {
    super(message, 409, details);
  }
}
export class ValidationFailedError extends DomainError {
  constructor(message: string, details?: unknown[]) {
    super(message, 400, details);
  }
}
export class UnprocessableError extends DomainError {
  constructor(message: string, details?: unknown[]) {
    super(message, 422, details);
  }
}
export class ForbiddenError extends DomainError {
  constructor(message: string) {
    super(message, 403);
  }
}
export class UnauthorizedError extends DomainError {
  constructor(message: string) {
    super(message, 401);
  }
}
export class BudgetExceededError extends DomainError {
  constructor(message: string) {
    super(message, 402);
  }
}
/** A dependency (database, Redis, agent) is unavailable right now: retry later. */
export class ServiceUnavailableError extends DomainError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 503, undefined, options);
  }
}
