// A modal dialog's backdrop, moved to the end of <body>: a card lays out and paints its own
// content (`contain: content`), which would also hold a fixed backdrop inside the card that opened
// it. Escape closes it wherever the focus is (a button it disabled meanwhile leaves the focus on
// the page's body).
import { defineComponent, onMounted, onUnmounted, Teleport } from "vue";

export const Modal = defineComponent(
  (props: { label: string; onClose: () => void }, { slots }) => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") props.onClose();
    };
    onMounted(() => document.addEventListener("keydown", onKey));
    onUnmounted(() => document.removeEventListener("keydown", onKey));
    return () => (
      <Teleport to="body">
        <div class="modal" role="dialog" aria-modal="true" aria-label={props.label}>
          {slots.default?.()}
        </div>
      </Teleport>
    );
  },
  { props: ["label", "onClose"] },
);
