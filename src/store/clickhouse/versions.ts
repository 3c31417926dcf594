// Row versions for the latest-version-wins tables (users, strategies, alerts): past every version
// loaded, and growing even when the clock does not (two changes in one millisecond).
export class Versions {
  private last = 0;

  /** A version read from the table: the next ones go past it. */
  saw(version: number): void {
    this.last = Math.max(this.last, version);
  }

  next(): number {
    this.last = Math.max(this.last + 1, Date.now() * 1000);
    return this.last;
  }
}
