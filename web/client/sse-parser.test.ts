import { expect, test } from "bun:test";
import { type SseFrame, SseParser } from "./sse-parser.ts";

test("frames split anywhere, with CRLF, comments, retry and multi-line data", () => {
  const got: SseFrame[] = [];
  const p = new SseParser((f) => got.push(f));
  const text =
    'retry: 2000\nid: e-1\nevent: connected\ndata: {"a":1}\n\n: hb\r\nevent: ticker\r\nid: e-2\r\ndata: x\r\ndata: y\r\n\r\ndata:z\n\n';
  for (let i = 0; i < text.length; i += 3) p.push(new TextEncoder().encode(text.slice(i, i + 3)));
  expect(got).toEqual([
    { event: "connected", data: '{"a":1}', id: "e-1", retry: 2000 },
    { event: "ticker", data: "x\ny", id: "e-2", retry: undefined },
    { event: "message", data: "z", id: undefined, retry: undefined },
  ]);
});

test("a multi-byte character split across chunks survives", () => {
  const got: SseFrame[] = [];
  const p = new SseParser((f) => got.push(f));
  const bytes = new TextEncoder().encode("data: é€\n\n");
  p.push(bytes.slice(0, 7));
  p.push(bytes.slice(7));
  expect(got[0]!.data).toBe("é€");
});
