// Reading a paged history (GET /api/fills and its kind: newest first, `next` the cursor of the
// page after) to its end, or to a limit.

/** One page of a history, asked for by the cursor of the page before (none: the newest). */
export type Page<R> = (cursor: string | undefined) => Promise<{ data: R[]; next: string | null }>;

/** Every row of a paged history, following its cursor; `complete` is false when `max` cut it short. */
export async function collect<R>(page: Page<R>, max: number): Promise<{ rows: R[]; complete: boolean }> {
  const rows: R[] = [];
  let cursor: string | undefined;
  for (;;) {
    const p = await page(cursor);
    rows.push(...p.data);
    if (rows.length >= max) return { rows: rows.slice(0, max), complete: p.next === null && rows.length === max };
    if (p.next === null) return { rows, complete: true };
    cursor = p.next;
  }
}
