// The chart's indicators: a button with how many are shown, and under it a checkbox for each.
import { defineComponent, shallowRef } from "vue";
import { INDICATOR_IDS, INDICATORS, type IndicatorId } from "../indicators.ts";

export const IndicatorsMenu = defineComponent(
  (props: { shown: IndicatorId[]; onChange: (ids: IndicatorId[]) => void }) => {
    const open = shallowRef(false);
    const flip = (id: IndicatorId, on: boolean) =>
      props.onChange(INDICATOR_IDS.filter((x) => (x === id ? on : props.shown.includes(x))));
    return () => (
      <span class="chart-menu indicators-menu" data-testid="indicators">
        <button
          type="button"
          class={{ ghost: true, active: open.value }}
          aria-expanded={open.value}
          onClick={() => (open.value = !open.value)}
          onKeydown={(e: KeyboardEvent) => e.key === "Escape" && (open.value = false)}
          data-testid="indicators-toggle"
        >
          Indicators{props.shown.length ? ` ${props.shown.length}` : ""}
        </button>
        {open.value && (
          <div class="pop">
            {INDICATOR_IDS.map((id) => (
              <label key={id} class="check">
                <input
                  type="checkbox"
                  checked={props.shown.includes(id)}
                  onChange={(e: Event) => flip(id, (e.target as HTMLInputElement).checked)}
                  data-testid={`indicator-${id}`}
                />
                {INDICATORS[id].label}
              </label>
            ))}
          </div>
        )}
      </span>
    );
  },
  { props: ["shown", "onChange"] },
);
