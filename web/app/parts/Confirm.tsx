// A confirmation dialog for actions that cannot be undone (kill switch, cancel all): it takes the
// focus on its safe button, so Escape (or Enter there) backs out and Tab reaches the action.
import { defineComponent, onMounted, shallowRef } from "vue";
import { Modal } from "./Modal.tsx";

export const Confirm = defineComponent(
  (props: { title: string; text: string; action: string; danger?: boolean; onYes: () => void; onNo: () => void }) => {
    const back = shallowRef<HTMLButtonElement | null>(null);
    onMounted(() => back.value?.focus());
    return () => (
      <Modal label={props.title} onClose={props.onNo}>
        <div class="card dialog">
          <h2>{props.title}</h2>
          <p>{props.text}</p>
          <div class="row end">
            <button type="button" class="ghost" ref={back} onClick={props.onNo} data-testid="confirm-no">
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
      </Modal>
    );
  },
  { props: ["title", "text", "action", "danger", "onYes", "onNo"] },
);
