// Form pieces the ticket and the dialogs share: a decimal field with its hint, note and error
// (named by `testid`: `<testid>`, `<testid>-outcome`, `<testid>-error`), and the size shares.
import type { Ref } from "vue";

/** The shares of a size a click sets (of what is available, of a position). */
const SHARES = [0.25, 0.5, 0.75, 1];

export function decimalField(o: {
  name: string;
  label: string;
  value: string;
  onInput: (v: string) => void;
  testid: string;
  error?: string | undefined;
  /** Under the label: what the field means. */
  hint?: string;
  /** Under the input: what the value typed would mean. */
  note?: string | null;
  inputRef?: Ref<HTMLInputElement | null>;
}) {
  return (
    <label class={{ invalid: !!o.error }}>
      {o.label}
      {o.hint !== undefined && <small class="muted">{o.hint}</small>}
      <input
        ref={o.inputRef}
        name={o.name}
        inputmode="decimal"
        autocomplete="off"
        value={o.value}
        onInput={(e: Event) => o.onInput((e.target as HTMLInputElement).value)}
        data-testid={o.testid}
      />
      {o.note && (
        <small class="muted" data-testid={`${o.testid}-outcome`}>
          {o.note}
        </small>
      )}
      {o.error && (
        <span class="field-error" data-testid={`${o.testid}-error`}>
          {o.error}
        </span>
      )}
    </label>
  );
}

/** A button per share of a size: "25%" ... "100%", `<testid>-25` ... */
export function shareButtons(label: string, testid: string, take: (share: number) => void) {
  return (
    <fieldset class="shares" aria-label={label}>
      {SHARES.map((share) => (
        <button
          type="button"
          class="ghost"
          key={share}
          onClick={() => take(share)}
          data-testid={`${testid}-${share * 100}`}
        >
          {share * 100}%
        </button>
      ))}
    </fieldset>
  );
}
