// Commands: the kill switch's state for everyone who trades and its switch for admins (no new
// orders while on), cancel all and close all (traders, admins), each confirmed first; commands by anyone
// appear as the stream announces them, and a kill switch command moves the state shown.
import { defineComponent, onMounted, shallowRef, watch } from "vue";
import { ApiRequestError } from "../../client/http.ts";
import type { Command, CommandRecord } from "../../client/rest.ts";
import { useKillSwitch } from "../../vue/commands.ts";
import { useTradewire } from "../../vue/context.ts";
import { useStrategies } from "../../vue/strategies.ts";
import { useEventStream } from "../../vue/stream.ts";
import { fmtWhen } from "../format.ts";
import { Confirm } from "../parts/Confirm.tsx";
import { useSelection } from "../selection.ts";
import { useSession } from "../session.ts";

const STATUS_CLASS: Record<CommandRecord["status"], string> = {
  pending: "muted",
  accepted: "muted",
  done: "up",
  failed: "down",
  timed_out: "down",
};

export const Commands = defineComponent(() => {
  const tw = useTradewire();
  const { list: strategies } = useStrategies();
  /** What the kill switch would stop: the running strategies, and how many of them guard a position (TP/SL). */
  const stopping = () => {
    const running = strategies.value.filter((v) => v.kind !== "external" && v.state === "running");
    const guards = running.filter((v) => v.kind === "stop").length;
    if (running.length === 0) return "";
    return ` It stops the running strategies of this service (${running.length}${
      guards > 0 ? `, ${guards} of them TP/SL guarding a position` : ""
    }) and cancels their orders; none starts again by itself.`;
  };
  const { isAdmin } = useSession();
  const { instruments } = useSelection();
  const stream = useEventStream(["commands"], { latencyEveryMs: 0 });
  const records = shallowRef<CommandRecord[]>([]);
  const killSwitch = useKillSwitch();
  const asking = shallowRef<{ cmd: Command; title: string; text: string; action: string } | null>(null);
  const error = shallowRef<string | null>(null);
  const scope = shallowRef("");

  /** A record, new or changed (each change of a command is announced again), newest first. */
  const remember = (r: CommandRecord) => {
    const rest = records.value.filter((x) => x.id !== r.id);
    records.value = [r, ...rest].sort((a, b) => b.createdAt - a.createdAt).slice(0, 50);
  };
  stream.on("command", (ev) => remember(ev.data));
  const load = async () => {
    try {
      const list = await tw.rest.commands.list({ limit: 50 });
      for (const r of list.data.reverse()) remember(r);
    } catch (err) {
      error.value = err instanceof ApiRequestError ? err.message : String(err);
    }
  };
  onMounted(load);
  // After a reset or a restart the announcements in between are lost: read the list again (the
  // kill switch's state is read again by its composable).
  watch(stream.notice, (n) => n?.kind === "resynced" && void load());

  const run = async (cmd: Command) => {
    asking.value = null;
    error.value = null;
    try {
      remember(await tw.rest.commands.run(cmd));
    } catch (err) {
      error.value = err instanceof ApiRequestError ? err.message : String(err);
    }
  };

  const ask = (cmd: Command) => {
    if (cmd.type === "kill_switch")
      asking.value = cmd.on
        ? {
            cmd,
            title: "Turn the kill switch ON?",
            text: `No new orders will be accepted from anyone until it is turned off. Open orders stay open (use Cancel all).${stopping()}`,
            action: "Kill switch ON",
          }
        : {
            cmd,
            title: "Turn the kill switch off?",
            text: "Orders will be accepted again.",
            action: "Kill switch off",
          };
    else if (cmd.type === "cancel_all")
      asking.value = {
        cmd,
        title: "Cancel all open orders?",
        text: cmd.instId
          ? `Every open order on ${cmd.instId} will be canceled.`
          : "Every open order on every instrument will be canceled.",
        action: "Cancel all",
      };
    else if (cmd.type === "close_all")
      asking.value = {
        cmd,
        title: "Close all positions?",
        text: `Every position${cmd.instId ? ` on ${cmd.instId}` : ""} is closed with a reduce-only market order for all of it.`,
        action: "Close all",
      };
  };

  return () => (
    <div class="commands">
      <section class="card" data-testid="kill-switch">
        <h2>Kill switch</h2>
        <p>
          State:{" "}
          <strong
            class={killSwitch.value === null ? "muted" : killSwitch.value.on ? "down" : "up"}
            data-testid="kill-state"
          >
            {killSwitch.value === null ? "…" : killSwitch.value.on ? "ON: no new orders" : "off"}
          </strong>{" "}
          {killSwitch.value && (
            <small class="muted" data-testid="kill-since">
              {killSwitch.value.since === null
                ? "since the service started"
                : `since ${fmtWhen(killSwitch.value.since)}${killSwitch.value.by ? ` by ${killSwitch.value.by}` : ""}`}
            </small>
          )}
        </p>
        {isAdmin.value && (
          <div class="row">
            <button
              type="button"
              class="danger"
              disabled={killSwitch.value?.on !== false}
              onClick={() => ask({ type: "kill_switch", on: true })}
              data-testid="kill-on"
            >
              Turn ON
            </button>
            <button
              type="button"
              class="ghost"
              disabled={killSwitch.value?.on !== true}
              onClick={() => ask({ type: "kill_switch", on: false })}
              data-testid="kill-off"
            >
              Turn off
            </button>
          </div>
        )}
      </section>
      <section class="card" data-testid="cancel-all">
        <h2>Cancel all orders, close all positions</h2>
        <div class="row">
          <select value={scope.value} onChange={(e: Event) => (scope.value = (e.target as HTMLSelectElement).value)}>
            <option value="">every instrument</option>
            {instruments.value.map((i) => (
              <option key={i} value={i}>
                {i}
              </option>
            ))}
          </select>
          <button
            type="button"
            class="danger"
            onClick={() => ask(scope.value ? { type: "cancel_all", instId: scope.value } : { type: "cancel_all" })}
            data-testid="cancel-all-run"
          >
            Cancel all
          </button>
          <button
            type="button"
            class="danger"
            onClick={() => ask(scope.value ? { type: "close_all", instId: scope.value } : { type: "close_all" })}
            data-testid="close-all-run"
          >
            Close all positions
          </button>
        </div>
      </section>
      {error.value && (
        <p class="error" role="alert">
          {error.value}
        </p>
      )}
      <section class="card">
        <h2>Recent commands</h2>
        <table class="grid" data-testid="command-log">
          <thead>
            <tr>
              <th>Time</th>
              <th>Command</th>
              <th>By</th>
              <th>Status</th>
              <th>Result</th>
            </tr>
          </thead>
          <tbody>
            {records.value.map((r) => (
              <tr key={r.id} data-testid={`command-${r.id}`}>
                <td>{fmtWhen(r.createdAt)}</td>
                <td>
                  {r.type}
                  {r.engineId && <small class="muted"> → {r.engineId}</small>}
                </td>
                <td>{r.by}</td>
                <td class={STATUS_CLASS[r.status]}>{r.status}</td>
                <td>
                  {r.error ? <span class="down">{r.error.message} </span> : null}
                  <code>{JSON.stringify(r.result)}</code>
                </td>
              </tr>
            ))}
            {records.value.length === 0 && (
              <tr>
                <td colspan={5} class="empty">
                  None yet.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </section>
      {asking.value && (
        <Confirm
          title={asking.value.title}
          text={asking.value.text}
          action={asking.value.action}
          danger
          onYes={() => void run(asking.value!.cmd)}
          onNo={() => (asking.value = null)}
        />
      )}
    </div>
  );
});
