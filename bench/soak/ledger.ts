/**
 * What the soak test's honest editors wrote and what the server acknowledged.
 *
 * Every edit inserts one unique token into the document's `edits` array. A provider's `saved`
 * event means every local edit so far is durable on the server, so at that moment the editor's
 * unconfirmed tokens become acknowledged. Tokens of an editor that leaves before `saved` are not
 * counted: nothing promised they would survive.
 */
export class Ledger {
  private readonly acknowledged = new Map<string, Set<string>>();
  edits = 0;
  acknowledgedCount = 0;

  /** Called for every edit; returns the token to insert. */
  record(editor: string, seq: number): string {
    this.edits++;
    return `${editor}.${seq}`;
  }

  acknowledge(docName: string, tokens: readonly string[]): void {
    let set = this.acknowledged.get(docName);
    if (set === undefined) this.acknowledged.set(docName, (set = new Set()));
    for (const token of tokens) set.add(token);
    this.acknowledgedCount += tokens.length;
  }

  documents(): string[] {
    return [...this.acknowledged.keys()].sort();
  }

  /** Acknowledged tokens of `docName` missing from what the server serves now. */
  missing(docName: string, served: Iterable<string>): string[] {
    const present = new Set(served);
    return [...(this.acknowledged.get(docName) ?? [])].filter((token) => !present.has(token));
  }
}
