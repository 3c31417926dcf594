// A confirmation dialog for actions that cannot be undone (kill switch, cancel all).
import { defineComponent } from "vue";

export const Confirm = defineComponent(
  (props: { title: string; text: string; action: string; danger?: boolean; onYes: () => void; onNo: () => void }) => {
    return () => (
      <div
        class="modal"
        role="dialog"
        aria-modal="true"
        aria-label={props.title}
        onKeydown={(e: KeyboardEvent) => e.key === "Escape" && props.onNo()}
      >
        <div class="card dialog">
          <h2>{props.title}</h2>
          <p>{props.text}</p>
          <div class="row end">
            <button type="button" class="ghost" onClick={props.onNo} data-testid="confirm-no">
              Back
            </button>
            <button
              type="button"
              class={props.danger ? "danger" : "primary"}
              onClick={props.onYes}
              data-testid="confirm-yes"
            >
              {props.action}
            </button>
          </div>
        </div>
      </div>
    );
  },
  { props: ["title", "text", "action", "danger", "onYes", "onNo"] },
);
