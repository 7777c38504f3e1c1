/**
 * A store shared by several servers refused a new version because another server wrote the same
 * id first (both read the chain, then wrote the next id). The chain reads again and retries.
 */
export class VersionIdTakenError extends Error {
  constructor(docName: string, id: number) {
    super(`version ${id} of ${JSON.stringify(docName)} was taken meanwhile by another node`);
    this.name = 'VersionIdTakenError';
  }
}
