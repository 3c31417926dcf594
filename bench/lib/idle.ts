// Idle mode: N quiet SSE subscribers, the server's RSS before and after, and how many stay open.

import { SseClient } from "./clients.ts";
import type { Server } from "./endpoint.ts";
import { sleep, treeMemKB } from "./proc.ts";
import { Recorder } from "./ticks.ts";

export type IdleResult = {
  target: string;
  clients: number;
  connected: number;
  failed: Record<string, number>;
  rssBeforeKB: number;
  rssAfterKB: number;
  rssEndKB: number;
  /** Anonymous memory (RssAnon): RSS without mapped files such as libchdb.so's 190 MB of code. */
  anonBeforeKB: number;
  anonAfterKB: number;
  perClientKB: number;
  heldS: number;
  /** Subscribers still open after the hold (heartbeats must keep them alive). */
  openAtEnd: number;
  closedByServer: Record<string, number>;
};

const WAVE = 250;

export async function idleRun(server: Server, n: number, holdS: number, log: (s: string) => void): Promise<IdleResult> {
  const ep = server.endpoint;
  if (ep.pid === null) throw new Error("idle mode needs the server pid (use --pid with --url)");
  await sleep(1000);
  const before = treeMemKB(ep.pid);
  const rec = new Recorder(0, 0, 0);
  const subs: SseClient[] = [];
  for (let i = 0; i < n; i += WAVE) {
    const wave: SseClient[] = [];
    for (let j = i; j < Math.min(n, i + WAVE); j++) {
      const c = new SseClient(ep, rec);
      c.connect();
      wave.push(c);
    }
    subs.push(...wave);
    await Promise.race([Promise.allSettled(wave.map((c) => c.ready)), sleep(15000)]);
  }
  const failed: Record<string, number> = {};
  for (const c of subs) {
    if (c.state !== "open") {
      const why = c.state === "connecting" ? "no answer in time" : c.reason || c.state;
      failed[why] = (failed[why] ?? 0) + 1;
    }
  }
  const connected = subs.filter((c) => c.state === "open").length;
  log(`  ${connected}/${n} idle subscribers connected; holding ${holdS} s`);
  await sleep(2000);
  const after = treeMemKB(ep.pid);
  await sleep(Math.max(0, holdS * 1000 - 2000));
  const rssEndKB = treeMemKB(ep.pid).rssKB;
  const closedByServer: Record<string, number> = {};
  for (const c of subs) {
    if (c.state === "closed" && !c.closing) {
      const why = c.reason || "closed by server";
      closedByServer[why] = (closedByServer[why] ?? 0) + 1;
    }
  }
  const openAtEnd = subs.filter((c) => c.state === "open").length;
  for (const c of subs) c.close();
  await sleep(500);
  return {
    target: ep.name,
    clients: n,
    connected,
    failed,
    rssBeforeKB: before.rssKB,
    rssAfterKB: after.rssKB,
    rssEndKB,
    anonBeforeKB: before.anonKB,
    anonAfterKB: after.anonKB,
    perClientKB: connected > 0 ? (after.rssKB - before.rssKB) / connected : Number.NaN,
    heldS: holdS,
    openAtEnd,
    closedByServer,
  };
}
