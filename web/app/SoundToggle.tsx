// The switch for the toasts' tones (sound.ts), in the Activity menu.
import { defineComponent } from "vue";
import { setSound, soundOn } from "./sound.ts";

export const SoundToggle = defineComponent(
  () => () =>
    typeof AudioContext === "undefined" ? null : (
      <button
        type="button"
        class={{ ghost: true, small: true, active: soundOn.value }}
        aria-pressed={soundOn.value}
        title="A short tone for each fill, cancel, rejection and alert"
        onClick={() => setSound(!soundOn.value)}
        data-testid="sound"
      >
        {soundOn.value ? "Sound on" : "Sound off"}
      </button>
    ),
);
