// Resume ids: `<epoch>-<seq>` continues inside the window; anything else resets, with its reason.
import { describe, expect, test } from "bun:test";
import { EVENT_ID, type ResumeWindow, resolveResume } from "./resume.ts";

/** A window holding sequences 41..50 (a client may resume after 40) of epoch "k2x9". */
function window(): ResumeWindow & { heads: number } {
  return {
    epoch: "k2x9",
    heads: 0,
    head() {
      this.heads++;
      return 50;
    },
    windowStart: () => 40,
  };
}

describe("resolveResume", () => {
  test("no id: a fresh start at the head, after taking in what was published", () => {
    const w = window();
    expect(resolveResume(w, undefined)).toEqual({ seq: 50, resumed: false });
    expect(w.heads).toBe(1);
  });
  test("an id inside the window resumes right after it, edges included", () => {
    expect(resolveResume(window(), "k2x9-45")).toEqual({ seq: 45, resumed: true });
    expect(resolveResume(window(), "k2x9-40")).toEqual({ seq: 40, resumed: true }); // the window's start
    expect(resolveResume(window(), "k2x9-50")).toEqual({ seq: 50, resumed: true }); // the head: nothing missed
  });
  test("outside the window: reset at the head", () => {
    expect(resolveResume(window(), "k2x9-39")).toEqual({ seq: 50, resumed: false, reset: "outside_window" });
    expect(resolveResume(window(), "k2x9-0")).toEqual({ seq: 50, resumed: false, reset: "outside_window" });
    expect(resolveResume(window(), "k2x9-51")).toEqual({ seq: 50, resumed: false, reset: "outside_window" }); // from the future
  });
  test("another epoch (a restart, another leader): reset at the head", () => {
    expect(resolveResume(window(), "k2x8-45")).toEqual({ seq: 50, resumed: false, reset: "epoch" });
    expect(resolveResume(window(), "k2x9a-45")).toEqual({ seq: 50, resumed: false, reset: "epoch" });
  });
  test("malformed ids: reset at the head", () => {
    for (const id of [
      "",
      "45",
      "k2x9",
      "k2x9-",
      "-45",
      "k2x9-4a",
      "K2X9-45",
      "k2x9-4.5",
      "k2x9--45",
      "k2x9-45 ",
      `${"a".repeat(13)}-1`,
      `k2x9-${"9".repeat(16)}`,
    ])
      expect(resolveResume(window(), id)).toEqual({ seq: 50, resumed: false, reset: "malformed" });
  });
});

test("EVENT_ID: 1-12 lower-case base-36 characters, a dash, 1-15 digits", () => {
  expect(EVENT_ID.test("a-1")).toBe(true);
  expect(EVENT_ID.test(`${"z".repeat(12)}-${"9".repeat(15)}`)).toBe(true);
  expect(EVENT_ID.test(`${"z".repeat(12)}-${"9".repeat(16)}`)).toBe(false);
  expect(EVENT_ID.test("a-1\n")).toBe(false);
});
