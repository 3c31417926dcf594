// The stops guarding a position or a holding, each a small button with its prices ("SL 42000 ·
// TP 45000") that opens it in the TP/SL dialog.
import { defineComponent } from "vue";
import { type Guard, guardText } from "../protect.ts";

export const GuardButtons = defineComponent(
  (props: { guards: Guard[]; disabled: boolean; onPick: (g: Guard) => void }) => () =>
    props.guards.map((g) => (
      <button
        type="button"
        key={g.id}
        class="guard"
        title={`A stop strategy for ${g.size}: move or cancel it`}
        disabled={props.disabled}
        data-testid="guard"
        onClick={() => props.onPick(g)}
      >
        {guardText(g)}
      </button>
    )),
  { props: ["guards", "disabled", "onPick"] },
);
