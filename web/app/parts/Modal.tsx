// A modal dialog's backdrop, moved to the end of <body>: a card lays out and paints its own
// content (`contain: content`), which would also hold a fixed backdrop inside the card that opened
// it. Escape closes it.
import { defineComponent, Teleport } from "vue";

export const Modal = defineComponent(
  (props: { label: string; onClose: () => void }, { slots }) =>
    () => (
      <Teleport to="body">
        <div
          class="modal"
          role="dialog"
          aria-modal="true"
          aria-label={props.label}
          onKeydown={(e: KeyboardEvent) => e.key === "Escape" && props.onClose()}
        >
          {slots.default?.()}
        </div>
      </Teleport>
    ),
  { props: ["label", "onClose"] },
);
