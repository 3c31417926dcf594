// The switch for desktop notifications (desktop.ts), in the Activity menu: off, or on once the
// browser allows them.
import { defineComponent, shallowRef } from "vue";
import { desktopNotices, setDesktopNotices } from "./desktop.ts";

export const DesktopToggle = defineComponent(() => {
  const denied = shallowRef(false);
  const toggle = async () => {
    const want = !desktopNotices.value;
    const on = await setDesktopNotices(want);
    denied.value = want && !on;
  };
  return () =>
    typeof Notification === "undefined" ? null : (
      <button
        type="button"
        class={{ ghost: true, small: true, active: desktopNotices.value }}
        aria-pressed={desktopNotices.value}
        title={
          denied.value
            ? "The browser refused notifications for this site"
            : "Fills, cancels and rejections on the desktop while this tab is hidden"
        }
        onClick={() => void toggle()}
        data-testid="desktop-notices"
      >
        {desktopNotices.value ? "Desktop alerts on" : "Desktop alerts off"}
      </button>
    );
});
