// Channel keys and subscription filters: which events a stream client receives.
import { CHANNEL_RESOURCE, mayRead, type Role, readClass } from "../auth/types.ts";

/** Channel heads the service knows (auth's table says who may read each); `bench` carries synthetic load for the benchmark. */
export const CHANNEL_HEADS: ReadonlySet<string> = new Set(Object.keys(CHANNEL_RESOURCE));

/** What a published event's type looks like (its SSE `event:` name). */
export const EVENT_TYPE = /^[a-z][a-z0-9_]{0,31}$/;

/**
 * The names the stream gives its own messages (SSE `event:`, WebSocket `type`): no published event
 * may take one, or a client would take it for that message (end its stream on `revoked`, come back
 * later on `shutdown`, keep it as latest state on `snapshot`).
 */
export const STREAM_MESSAGE_TYPES: ReadonlySet<string> = new Set([
  "connected",
  "reset",
  "heartbeat",
  "shutdown",
  "revoked",
  "snapshot",
  "error",
  "subscribed",
  "unsubscribed",
  "pong",
]);

/** Heads whose channels take a key (`tickers:BTC-USDT`); the others may take one optionally. */
const KEY = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export class ChannelError extends Error {
  override name = "ChannelError";
  constructor(
    readonly channel: string,
    message: string,
    readonly status: 400 | 403 = 400,
  ) {
    super(message);
  }
}

/** Validates a concrete channel key (what a publisher names). */
export function checkChannel(channel: string): string | null {
  const [head, key, extra] = channel.split(":");
  if (!head || !CHANNEL_HEADS.has(head)) return `unknown channel "${channel.slice(0, 80)}"`;
  if (extra !== undefined) return `channel "${channel.slice(0, 80)}" has too many parts`;
  if (key !== undefined && !KEY.test(key)) return `channel key "${key.slice(0, 80)}" is not valid`;
  return null;
}

/**
 * A compiled subscription: `*`, `head:*`, `head` (same as `head:*` plus the bare head) or an
 * exact `head:key`. Heads are checked against the role when subscribing (parsePatterns); a
 * wildcard of `*` silently leaves out channels the role may not read.
 */
export class ChannelFilter {
  private all = false;
  private readonly heads = new Set<string>();
  private readonly exact = new Set<string>();
  readonly patterns: string[];
  /** Same key for same effective filter: clients sharing it share one encoded batch. */
  readonly key: string;

  constructor(
    patterns: Iterable<string>,
    readonly role: Role,
  ) {
    this.patterns = [...new Set(patterns)].sort();
    for (const p of this.patterns) {
      if (p === "*") this.all = true;
      else if (p.endsWith(":*")) this.heads.add(p.slice(0, -2));
      else if (!p.includes(":")) this.heads.add(p);
      else this.exact.add(p);
    }
    this.key = `${readClass(role)}|${this.patterns.join(",")}`;
  }

  matches(channel: string): boolean {
    if (this.all) return mayRead(this.role, channel);
    if (this.exact.has(channel)) return true;
    const i = channel.indexOf(":");
    return this.heads.has(i < 0 ? channel : channel.slice(0, i));
  }

  with(add: string[], remove: string[]): ChannelFilter {
    const next = new Set(this.patterns);
    for (const r of remove) next.delete(r);
    for (const a of add) next.add(a);
    return new ChannelFilter(next, this.role);
  }
}

/**
 * Parses and authorizes patterns (from `channels=a,b` or a subscribe message).
 * Throws ChannelError (400 unknown / malformed, 403 not allowed for the role).
 */
export function parsePatterns(input: string[], role: Role, max: number): string[] {
  const out: string[] = [];
  for (const raw of input) {
    const p = raw.trim();
    if (p === "") continue;
    if (p.length > 100) throw new ChannelError(p.slice(0, 100), "channel pattern too long");
    if (p !== "*") {
      const head = p.split(":", 1)[0]!;
      const rest = p.slice(head.length + 1);
      if (!CHANNEL_HEADS.has(head)) throw new ChannelError(p, `unknown channel "${p}"`);
      if (p.includes(":") && rest !== "*") {
        const err = checkChannel(p);
        if (err) throw new ChannelError(p, err);
      }
      if (!mayRead(role, p)) throw new ChannelError(p, `role ${role} may not read channel "${p}"`, 403);
    }
    out.push(p);
  }
  if (out.length > max) throw new ChannelError(out[max]!, `too many subscriptions (at most ${max})`);
  return out;
}
