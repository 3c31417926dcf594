// A strip under the bar on every page while the kill switch is on: new orders are refused, and
// a trader should know before the ticket says so.
import { defineComponent } from "vue";
import { useKillSwitch } from "../vue/commands.ts";
import { fmtWhen } from "./format.ts";
import { go } from "./router.ts";

export const KillBanner = defineComponent(() => {
  const killSwitch = useKillSwitch();
  return () =>
    killSwitch.value?.on ? (
      <div class="banner danger" role="alert" data-testid="kill-banner">
        <strong>Kill switch ON</strong>: new orders are refused
        {killSwitch.value.by &&
          ` (by ${killSwitch.value.by}${killSwitch.value.since ? ` at ${fmtWhen(killSwitch.value.since)}` : ""})`}
        .{" "}
        <a
          href="/commands"
          onClick={(e: MouseEvent) => {
            e.preventDefault();
            go("/commands");
          }}
        >
          Commands
        </a>
      </div>
    ) : null;
});
