// An append-only journal on local disk: what was acknowledged survives a crash of the process (and
// of the machine) before it reached ClickHouse. Records are JSON lines in numbered segment files;
// `append` resolves once its record is written and fdatasync'd, and appends waiting at the same
// time share one write and one fdatasync (group commit).
//
// Line format: `<crc32 of the JSON, 8 hex digits> <JSON>\n`. A crash in the middle of a write
// leaves a torn last line, which the checksum rejects; reading stops there (those records were
// never acknowledged: their fdatasync had not returned). A segment is never appended to again once
// sealed (rolled, or left by an earlier process): its owner settles it elsewhere, then removes it.
import {
  closeSync,
  fdatasync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";

const NAME = /^(\d{16})\.log$/;

export interface JournalOptions {
  /** Roll to a new segment once the current one holds this many bytes. */
  segmentBytes?: number;
  /** fdatasync before an append resolves (default). false: written only, which survives the process
   * being killed but not the machine going down, for a fraction of the time. */
  sync?: boolean;
}

/** A segment's valid records, and whether it ended in a torn (rejected) line. */
export interface SegmentContents<T> {
  records: T[];
  torn: boolean;
}

export class Journal<T> {
  private fd = -1;
  private current = "";
  private seq = 0;
  private bytes = 0;
  private records = 0;
  private queued: string[] = [];
  private waiters: Array<{ resolve(): void; reject(e: Error): void }> = [];
  private writing: Promise<void> | null = null;
  private rollWanted = false;
  private closed = false;
  /** fdatasync calls so far (each one covers every append that waited for it). */
  syncs = 0;
  private readonly segmentBytes: number;
  private readonly sync: boolean;

  /**
   * Opens `dir` (created owner-only) and starts a new segment; segments already there are sealed.
   * @example const j = new Journal<Row>("./data/journal"); await j.append(row); for (const s of j.sealed()) ...
   */
  constructor(
    readonly dir: string,
    o: JournalOptions = {},
  ) {
    this.segmentBytes = o.segmentBytes ?? 4 << 20;
    this.sync = o.sync ?? true;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    for (const name of readdirSync(dir)) {
      const m = NAME.exec(name);
      if (m) this.seq = Math.max(this.seq, Number(m[1]));
    }
    this.openSegment();
  }

  /** Resolves when `rec` is on disk; rejects when it could not be written (it is then not in the journal). */
  append(rec: T): Promise<void> {
    if (this.closed) return Promise.reject(new JournalError("the journal is closed"));
    const json = JSON.stringify(rec);
    this.queued.push(`${crc(json)} ${json}\n`);
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    // In a microtask: appends made in the same turn of the event loop go out in one write.
    this.writing ??= Promise.resolve().then(() => this.drain());
    return done;
  }

  /** Sealed segments (every one but the segment being written), oldest first. */
  sealed(): string[] {
    return readdirSync(this.dir)
      .filter((n) => NAME.test(n) && n !== this.current)
      .sort();
  }

  /** Seals the current segment and starts the next one, when it holds any record (after writes in progress). */
  roll(): void {
    if (this.records === 0 || this.closed) return;
    if (this.writing) this.rollWanted = true;
    else this.rollNow();
  }

  /** The valid records of a segment. */
  read(segment: string): SegmentContents<T> {
    return readSegment<T>(join(this.dir, segment));
  }

  /** Deletes a sealed segment (its records are kept elsewhere now). */
  remove(segment: string): void {
    if (segment === this.current) throw new JournalError(`${segment} is the segment being written`);
    rmSync(join(this.dir, segment), { force: true });
  }

  /** Bytes and records in the segment being written. */
  size(): { bytes: number; records: number } {
    return { bytes: this.bytes, records: this.records };
  }

  /** Waits for writes in progress, then closes the file (an empty last segment is removed). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    while (this.writing) await this.writing;
    closeSync(this.fd);
    if (this.records === 0) rmSync(join(this.dir, this.current), { force: true });
  }

  private async drain(): Promise<void> {
    while (this.queued.length > 0) {
      const lines = this.queued;
      const waiters = this.waiters;
      this.queued = [];
      this.waiters = [];
      const buf = Buffer.from(lines.join(""));
      try {
        for (let off = 0; off < buf.length; ) off += writeSync(this.fd, buf, off, buf.length - off);
        if (this.sync) {
          await datasync(this.fd);
          this.syncs++;
        }
        this.bytes += buf.length;
        this.records += lines.length;
        for (const w of waiters) w.resolve();
      } catch (err) {
        const e = new JournalError(`journal write failed: ${(err as Error).message}`);
        for (const w of waiters) w.reject(e);
        // What was written of this batch may be a torn line: later records go to a new segment.
        this.rollWanted = true;
      }
      if (this.rollWanted || this.bytes >= this.segmentBytes) {
        try {
          this.rollNow();
        } catch {
          // No new segment now (disk full?): the next write tries again and fails on its own.
        }
      }
    }
    this.writing = null;
  }

  private rollNow(): void {
    this.rollWanted = false;
    try {
      closeSync(this.fd);
    } catch {
      // already closed by a roll that could not open the next segment
    }
    this.openSegment();
  }

  private openSegment(): void {
    this.current = `${String(++this.seq).padStart(16, "0")}.log`;
    this.fd = openSync(join(this.dir, this.current), "a", 0o600);
    this.bytes = 0;
    this.records = 0;
    // The new name must survive a crash of the machine too.
    const dirFd = openSync(this.dir, "r");
    try {
      fsyncSync(dirFd);
    } finally {
      closeSync(dirFd);
    }
  }
}

export class JournalError extends Error {
  override name = "JournalError";
}

/** Reads a segment file's valid records, stopping at the first line that fails its checksum. */
export function readSegment<T>(path: string): SegmentContents<T> {
  const text = readFileSync(path, "utf8");
  const records: T[] = [];
  let at = 0;
  while (at < text.length) {
    const nl = text.indexOf("\n", at);
    if (nl < 0) return { records, torn: true };
    const line = text.slice(at, nl);
    at = nl + 1;
    const json = line.slice(9);
    if (line.length < 10 || line[8] !== " " || line.slice(0, 8) !== crc(json)) return { records, torn: true };
    try {
      records.push(JSON.parse(json) as T);
    } catch {
      return { records, torn: true };
    }
  }
  return { records, torn: false };
}

const crc = (s: string) => Bun.hash.crc32(s).toString(16).padStart(8, "0");

const datasync = (fd: number) =>
  new Promise<void>((resolve, reject) => fdatasync(fd, (err) => (err ? reject(err) : resolve())));
