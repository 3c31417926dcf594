// The response reader must de-chunk and split pipelined responses however the bytes arrive.
import { describe, expect, test } from "bun:test";
import { nextCursor } from "./clients.ts";
import { type Head, ResponseReader } from "./http.ts";

type Got = { status: number; body: string };

function read(wire: string, step: number): Got[] {
  const out: Got[] = [];
  let cur: Got | null = null;
  const r = new ResponseReader({
    head(h: Head) {
      cur = { status: h.status, body: "" };
    },
    body(b, from, to) {
      cur!.body += b.toString("latin1", from, to);
    },
    end() {
      out.push(cur!);
      cur = null;
    },
  });
  const buf = Buffer.from(wire, "latin1");
  for (let p = 0; p < buf.length; p += step) r.feed(buf.subarray(p, Math.min(buf.length, p + step)));
  return out;
}

describe("ResponseReader", () => {
  const wire =
    "HTTP/1.1 201 Created\r\nContent-Length: 5\r\n\r\nhello" +
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\na;ext=1\r\n0123456789\r\n0\r\n\r\n" +
    "HTTP/1.1 204 No Content\r\n\r\n" +
    "HTTP/1.1 400 Bad Request\r\ncontent-length: 2\r\n\r\n{}";

  for (const step of [1, 2, 3, 7, 64, 10000]) {
    test(`pipelined responses, fed ${step} bytes at a time`, () => {
      expect(read(wire, step)).toEqual([
        { status: 201, body: "hello" },
        { status: 200, body: "abc0123456789" },
        { status: 204, body: "" },
        { status: 400, body: "{}" },
      ]);
    });
  }
});

describe("nextCursor", () => {
  test("string and number cursors", () => {
    expect(nextCursor(Buffer.from('{"events":[{"next":"no"}],"next":"5-12","reset":null}'))).toBe("5-12");
    expect(nextCursor(Buffer.from('{"events":[],"next":42}'))).toBe("42");
    expect(nextCursor(Buffer.from('{"events":[]}'))).toBeNull();
  });
});
