// Activity: what the toasts told this session (fills, cancels, rejections, strategies stopping,
// price alerts), newest first with when, after the toasts have gone; the button counts what came
// since it was last opened. The switches for telling it on the desktop too, and with a tone, are
// at its top.
import { defineComponent, shallowRef } from "vue";
import { DesktopToggle } from "./DesktopToggle.tsx";
import { fmtWhen } from "./format.ts";
import type { Notices } from "./notices.ts";
import { go } from "./router.ts";
import { SoundToggle } from "./SoundToggle.tsx";

export const ActivityMenu = defineComponent(
  (props: { notices: Notices }) => {
    const open = shallowRef(false);
    const toggle = () => {
      open.value = !open.value;
      props.notices.markRead();
    };
    return () => {
      const n = props.notices;
      const unread = n.unread.value;
      return (
        <span class="activity" data-testid="activity">
          <button
            type="button"
            class={{ ghost: true, active: open.value }}
            aria-expanded={open.value}
            onClick={toggle}
            onKeydown={(e: KeyboardEvent) => e.key === "Escape" && (open.value = false)}
            data-testid="activity-toggle"
            title="What happened to your orders, strategies and alerts this session"
          >
            Activity
            {unread > 0 && (
              <span class="badge" data-testid="activity-unread">
                {unread > 9 ? "9+" : unread}
              </span>
            )}
          </button>
          {open.value && (
            <div class="pop activity-pop">
              <div class="row">
                <DesktopToggle />
                <SoundToggle />
              </div>
              {n.history.value.length === 0 ? (
                <p class="muted">Nothing yet this session.</p>
              ) : (
                <>
                  <ul>
                    {n.history.value.map((t) => (
                      <li key={t.key} class={["told", t.tone]} data-testid="activity-item">
                        <time class="muted">{fmtWhen(t.at)}</time> <strong>{t.title}</strong>{" "}
                        {t.href ? (
                          <a
                            href={t.href}
                            onClick={(e: MouseEvent) => {
                              e.preventDefault();
                              open.value = false;
                              go(t.href!);
                            }}
                          >
                            {t.text}
                          </a>
                        ) : (
                          <span>{t.text}</span>
                        )}
                      </li>
                    ))}
                  </ul>
                  <button
                    type="button"
                    class="ghost small"
                    onClick={() => n.clearHistory()}
                    data-testid="activity-clear"
                  >
                    Clear
                  </button>
                </>
              )}
            </div>
          )}
        </span>
      );
    };
  },
  { props: ["notices"] },
);
