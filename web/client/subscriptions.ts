// The page's subscriptions: the channels they ask for (those the user's role may read) and their
// loaders, which fetch state once per stream generation when the connection carries the channels.
import { coveredBy, readable, union } from "./channels.ts";
import type { Role } from "./rest.ts";

interface Sub {
  patterns: string[];
  loader: (() => Promise<void>) | undefined;
  /** The stream generation the loader last ran for. */
  loadedGen: number;
}

export class Subscriptions {
  private readonly subs = new Set<Sub>();

  /** Returns the removal: true when the subscription was still there. */
  add(patterns: string[], load: (() => Promise<void>) | undefined): () => boolean {
    const sub: Sub = { patterns, loader: load, loadedGen: -1 };
    this.subs.add(sub);
    return () => this.subs.delete(sub);
  }

  /** The channels they ask for that `role` may read. */
  channels(role: Role | undefined): string[] {
    return union([...this.subs].map((s) => readable(s.patterns, role)));
  }

  /**
   * Runs the loaders not run yet for generation `gen` whose channels the connection `carries`.
   * A loader that fails is told to `failed` and runs again with the next connection.
   */
  load(gen: number, role: Role | undefined, carries: string[], failed: (err: unknown) => void): Promise<unknown> {
    const due = [...this.subs].filter(
      (s) =>
        s.loader &&
        s.loadedGen !== gen &&
        gen > 0 &&
        readable(s.patterns, role).length > 0 &&
        coveredBy(readable(s.patterns, role), carries),
    );
    return Promise.allSettled(
      due.map((s) => {
        s.loadedGen = gen;
        return s.loader!().catch((err: unknown) => {
          s.loadedGen = -1; // try again with the next connection
          failed(err);
          throw err;
        });
      }),
    );
  }
}
