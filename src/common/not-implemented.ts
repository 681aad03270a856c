/** Marks a contract method whose owner has not landed it yet; must not survive to a release. */
export function notImplemented(what: string): never {
  throw new Error(`${what} is not implemented yet`);
}
