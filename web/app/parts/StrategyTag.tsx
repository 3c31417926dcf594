// Which strategy an order or fill is of (its clOrdId says), by name, linked to its page; nothing
// for a person's own.
import { defineComponent } from "vue";
import { strategyOfOrder } from "../../client/index.ts";
import { go } from "../router.ts";
import { useStrategyNames } from "../strategy-names.ts";

export const StrategyTag = defineComponent(
  (props: { clOrdId: string }) => {
    const { names, nameOf } = useStrategyNames();
    return () => {
      const id = strategyOfOrder(props.clOrdId);
      if (!id) return null;
      const name = names.value.get(id) ?? nameOf(id) ?? id; // redrawn when its name arrives
      const href = `/strategies/${id}`;
      return (
        <a
          class="strategy-tag"
          href={href}
          title="An order of this strategy"
          data-testid="strategy-tag"
          onClick={(e: MouseEvent) => {
            e.preventDefault();
            go(href);
          }}
        >
          {name}
        </a>
      );
    };
  },
  { props: ["clOrdId"] },
);
