// Desktop notifications for the toasts of notices.ts while this tab is hidden (another tab, another
// window): the trader turns them on once (the browser asks for permission), the choice is kept.
import { type ShallowRef, shallowRef } from "vue";
import type { Toast } from "./notices.ts";

const KEY = "tradewire.desktop-notices";

const supported = () => typeof Notification !== "undefined";

function saved(): boolean {
  try {
    return localStorage.getItem(KEY) === "on";
  } catch {
    return false;
  }
}

/** On when the trader turned it on and the browser allows it. */
export const desktopNotices: ShallowRef<boolean> = shallowRef(
  supported() && saved() && Notification.permission === "granted",
);

/** Turns desktop notifications on (asking the browser first) or off; resolves with the new state. */
export async function setDesktopNotices(on: boolean): Promise<boolean> {
  let allowed = on && supported();
  if (allowed && Notification.permission !== "granted")
    allowed = (await Notification.requestPermission()) === "granted";
  desktopNotices.value = allowed;
  try {
    localStorage.setItem(KEY, allowed ? "on" : "off");
  } catch {}
  return allowed;
}

/** Tells a toast on the desktop too, while the page is hidden; a newer one of the same key replaces it. */
export function notifyDesktop(t: Toast): void {
  if (!desktopNotices.value || !document.hidden || !supported()) return;
  try {
    new Notification(t.title, { body: t.text, tag: t.key });
  } catch {
    // A browser that refuses notifications from a page (Android Chrome wants a service worker).
  }
}
