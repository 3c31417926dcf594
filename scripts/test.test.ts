import { expect, test } from "bun:test";
import { countJunit, parseSummary } from "./test.ts";

const xml = `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="bun test" tests="5" failures="2" skipped="1">
  <testsuite name="a.test.ts" file="a.test.ts" tests="4">
    <testcase name="ok" classname="" file="a.test.ts" line="2" assertions="1" />
    <testcase name="a &lt;b&gt; &amp; c" classname="d" file="a.test.ts" line="3" assertions="1">
      <failure type="AssertionError" message="expected 2 /&gt;">AssertionError: expected 2&#10;  at a.test.ts:3:1&#10;</failure>
    </testcase>
    <testcase name="slow" classname="" file="a.test.ts" line="5" assertions="0">
      <failure type="TimeoutError" message="test timed out" />
    </testcase>
    <testcase name="skipped" classname="" file="a.test.ts" line="4" assertions="0">
      <skipped />
    </testcase>
    <testsuite name="d" file="a.test.ts" tests="1">
      <testcase name="nested ok" classname="d" file="a.test.ts" line="6" assertions="1" />
    </testsuite>
  </testsuite>
</testsuites>`;

test("countJunit counts passed, failed and skipped testcases, nested suites included", () => {
  expect(countJunit(xml)).toEqual({
    passed: 2,
    failed: 2,
    skipped: 1,
    failures: [
      { name: "a.test.ts > d > a <b> & c", why: "AssertionError: expected 2\n  at a.test.ts:3:1" },
      { name: "a.test.ts > slow", why: "test timed out" },
    ],
  });
  expect(countJunit("")).toEqual({ passed: 0, failed: 0, skipped: 0, failures: [] });
});

test("parseSummary reads bun's closing lines, colours or not", () => {
  const out =
    "(pass) x\n\n \x1b[32m 12 pass\x1b[0m\n\x1b[2m 1 fail\x1b[0m\n 1 error\n 40 expect() calls\nRan 13 tests across 3 files. [1.00s]\n";
  expect(parseSummary(out)).toEqual({ pass: 12, fail: 1, error: 1 });
  expect(parseSummary("error: regex matched 0 tests")).toEqual({});
});
