// Commands: the kill switch (admins; no new orders while on) and cancel all (traders, admins),
// each confirmed first; commands by anyone appear as the stream announces them.
import { defineComponent, onMounted, shallowRef } from "vue";
import { ApiRequestError } from "../../client/http.ts";
import type { Command, CommandRecord } from "../../client/rest.ts";
import { useTradewire } from "../../vue/context.ts";
import { useEventStream } from "../../vue/stream.ts";
import { fmtTime } from "../format.ts";
import { Confirm } from "../parts/Confirm.tsx";
import { useSelection } from "../selection.ts";
import { useSession } from "../session.ts";

export const Commands = defineComponent(() => {
  const tw = useTradewire();
  const { isAdmin } = useSession();
  const { instruments } = useSelection();
  const stream = useEventStream(["commands"], { latencyEveryMs: 0 });
  const records = shallowRef<CommandRecord[]>([]);
  const killSwitch = shallowRef<boolean | null>(null);
  const asking = shallowRef<{ cmd: Command; title: string; text: string; action: string } | null>(null);
  const error = shallowRef<string | null>(null);
  const scope = shallowRef("");

  const remember = (r: CommandRecord) => {
    if (records.value.some((x) => x.id === r.id)) return;
    records.value = [r, ...records.value].slice(0, 50);
    if (r.type === "kill_switch" && r.status === "done") killSwitch.value = r.result.killSwitch === true;
  };
  stream.on("command", (ev) => remember(ev.data));
  onMounted(async () => {
    if (!isAdmin.value) return;
    // The switch's state is not served directly; the audit log has its last change.
    try {
      const last = (await tw.rest.history.audit({ action: "command.kill_switch", limit: 1 })).data[0];
      const detail = last?.detail as { killSwitch?: boolean } | undefined;
      if (killSwitch.value === null && typeof detail?.killSwitch === "boolean") killSwitch.value = detail.killSwitch;
    } catch {
      // history unavailable: the state shows as unknown until the next switch
    }
  });

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
            text: "No new orders will be accepted from anyone until it is turned off. Open orders stay open (use Cancel all).",
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
  };

  return () => (
    <div class="commands">
      {isAdmin.value && (
        <section class="card" data-testid="kill-switch">
          <h2>Kill switch</h2>
          <p>
            State:{" "}
            <strong class={killSwitch.value ? "down" : killSwitch.value === false ? "up" : "muted"}>
              {killSwitch.value === null ? "unknown" : killSwitch.value ? "ON: no new orders" : "off"}
            </strong>
          </p>
          <div class="row">
            <button
              type="button"
              class="danger"
              onClick={() => ask({ type: "kill_switch", on: true })}
              data-testid="kill-on"
            >
              Turn ON
            </button>
            <button
              type="button"
              class="ghost"
              onClick={() => ask({ type: "kill_switch", on: false })}
              data-testid="kill-off"
            >
              Turn off
            </button>
          </div>
        </section>
      )}
      <section class="card" data-testid="cancel-all">
        <h2>Cancel all</h2>
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
              <tr key={r.id}>
                <td>{fmtTime(r.createdAt)}</td>
                <td>{r.type}</td>
                <td>{r.by}</td>
                <td class={r.status === "done" ? "up" : "down"}>{r.status}</td>
                <td>
                  <code>{JSON.stringify(r.result)}</code>
                </td>
              </tr>
            ))}
            {records.value.length === 0 && (
              <tr>
                <td colspan={5} class="empty">
                  None since this page opened.
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
