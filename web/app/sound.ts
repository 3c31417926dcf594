// A short tone for what the toasts tell (notices.ts), for a trader who is not looking at the
// screen: a fill higher for a buy and lower for a sell, a rejection or failure two low notes, an
// alert two high ones. Off until turned on (the choice is kept); played with Web Audio, no file.
// With several tabs open only one plays: the one the trader looked at last.
import { type ShallowRef, shallowRef } from "vue";
import type { Toast } from "./notices.ts";

const KEY = "tradewire.sound";
/** Which tab plays: the one in sight last. */
const TAB_KEY = "tradewire.sound-tab";
const tabId = Math.random().toString(36).slice(2);

function claim(): void {
  try {
    if (typeof document === "undefined" || !document.hidden) localStorage.setItem(TAB_KEY, tabId);
  } catch {}
}
if (typeof document !== "undefined") {
  claim();
  document.addEventListener("visibilitychange", claim);
  globalThis.addEventListener?.("focus", claim);
}

function mine(): boolean {
  try {
    const t = localStorage.getItem(TAB_KEY);
    return t === null || t === tabId;
  } catch {
    return true;
  }
}

type Ctx = { currentTime: number; destination: unknown; createOscillator(): Osc; createGain(): Gain };
type Osc = {
  frequency: { value: number };
  connect(n: unknown): void;
  start(at: number): void;
  stop(at: number): void;
};
type Gain = {
  gain: { setValueAtTime(v: number, at: number): void; exponentialRampToValueAtTime(v: number, at: number): void };
  connect(n: unknown): void;
};

const AudioCtx = (globalThis as { AudioContext?: new () => Ctx }).AudioContext;

function saved(): boolean {
  try {
    return localStorage.getItem(KEY) === "on";
  } catch {
    return false;
  }
}

/** On when the trader turned it on (and the browser plays audio). */
export const soundOn: ShallowRef<boolean> = shallowRef(AudioCtx !== undefined && saved());

export function setSound(on: boolean): void {
  soundOn.value = on && AudioCtx !== undefined;
  try {
    localStorage.setItem(KEY, soundOn.value ? "on" : "off");
  } catch {}
  if (soundOn.value) ctx(); // made on the click: browsers let a page play once the user has acted
}

/** Each tone's notes (Hz). */
const NOTES: Record<Toast["tone"], number[]> = {
  buy: [880],
  sell: [660],
  info: [740],
  error: [330, 262],
  alert: [988, 1319],
};

let audio: Ctx | undefined;
const ctx = () => (audio ??= AudioCtx ? new AudioCtx() : undefined);

/** Plays the toast's tone, when sound is on and this is the tab that plays. */
export function playTone(t: Toast): void {
  const c = soundOn.value && mine() ? ctx() : undefined;
  if (!c) return;
  NOTES[t.tone].forEach((hz, i) => {
    const at = c.currentTime + i * 0.12;
    const osc = c.createOscillator();
    const gain = c.createGain();
    osc.frequency.value = hz;
    gain.gain.setValueAtTime(0.15, at);
    gain.gain.exponentialRampToValueAtTime(0.001, at + 0.1);
    osc.connect(gain);
    gain.connect(c.destination);
    osc.start(at);
    osc.stop(at + 0.1);
  });
}
