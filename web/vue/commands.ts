// The kill switch's state for any page: read once (GET /api/commands/kill-switch) and again
// after every resync, then moved by the `command` events that switch it.
import { onScopeDispose, type ShallowRef, shallowRef } from "vue";
import type { KillSwitch } from "../client/rest.ts";
import { shared, useTradewire } from "./context.ts";
import { Feeds, single } from "./feed.ts";

/** Whether new orders are refused, since when and by whom; null until read. */
export function useKillSwitch(): ShallowRef<KillSwitch | null> {
  const tw = useTradewire();
  const store = shared(tw, "kill-switch", (undo) => {
    const state = shallowRef<KillSwitch | null>(null);
    undo(
      tw.client.on("command", (ev) => {
        const r = ev.data;
        if (r.type !== "kill_switch" || r.status !== "done") return;
        const on = r.result.killSwitch === true;
        // A setting that changes nothing keeps the earlier since and by (as the server does).
        if (state.value?.on !== on) state.value = { on, since: r.finishedAt ?? r.updatedAt, by: r.by };
      }),
    );
    const load = single(async () => {
      state.value = await tw.rest.commands.killSwitch();
    });
    return { state, feeds: new Feeds(tw.client, () => load) };
  });
  onScopeDispose(store.feeds.acquire("commands"));
  return store.state;
}
