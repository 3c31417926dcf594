// The stops guarding a position or a holding, each a small button with its prices ("SL 42000 ·
// TP 45000"; "· 2 of 3" when it trades another size than the position holds) that opens it in
// the TP/SL dialog.
import { defineComponent } from "vue";
import { type Guard, guardText } from "../protect.ts";

export const GuardButtons = defineComponent(
  (props: { guards: Guard[]; held?: number; disabled: boolean; onPick: (g: Guard) => void }) => () =>
    props.guards.map((g) => (
      <button
        type="button"
        key={g.id}
        class="guard"
        title={`A stop strategy for ${g.size}: move, resize or cancel it`}
        disabled={props.disabled}
        data-testid="guard"
        onClick={() => props.onPick(g)}
      >
        {guardText(g, props.held)}
      </button>
    )),
  { props: ["guards", "held", "disabled", "onPick"] },
);
