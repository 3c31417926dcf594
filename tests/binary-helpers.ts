// The Dockerfile's runtime stage as data (what it copies from the build, its ENV and ENTRYPOINT),
// so tests/binary.test.ts runs the binary laid out and configured as the image has it.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../scripts/start-env.ts";

/** The lines of the last stage (after the last FROM), continuation lines joined. */
function runtimeStage(): string[] {
  const lines = readFileSync(join(REPO_ROOT, "Dockerfile"), "utf8").replace(/\\\n/g, " ").split("\n");
  const from = lines.findLastIndex((l) => l.startsWith("FROM "));
  return lines.slice(from + 1).filter((l) => !l.startsWith("#"));
}

const BUILD_DIST = "/src/dist/";

/** `COPY --from=build [--flags] /src/dist/<from> <to>` lines: what the image takes from npm run build. */
export function dockerCopies(): Array<{ from: string; to: string }> {
  return runtimeStage()
    .filter((l) => l.startsWith("COPY --from=build "))
    .map((l) => {
      const words = l.split(/\s+/).filter((w) => w !== "" && !w.startsWith("--") && w !== "COPY");
      const [src, to] = words;
      if (words.length !== 2 || !src?.startsWith(BUILD_DIST) || !to)
        throw new Error(`Dockerfile: expected COPY --from=build ${BUILD_DIST}<file> <dest>: ${l}`);
      return { from: src.slice(BUILD_DIST.length), to };
    });
}

/** KEY=VALUE pairs of the stage's ENV lines. */
export function dockerEnv(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of runtimeStage().filter((x) => x.startsWith("ENV ")))
    for (const w of l.slice(4).trim().split(/\s+/)) {
      const i = w.indexOf("=");
      if (i > 0) out[w.slice(0, i)] = w.slice(i + 1);
    }
  return out;
}

/** The program of `ENTRYPOINT ["..."]`. */
export function dockerEntrypoint(): string {
  const line = runtimeStage().find((l) => l.startsWith("ENTRYPOINT "));
  const program = line ? (JSON.parse(line.slice("ENTRYPOINT ".length)) as string[])[0] : undefined;
  if (!program) throw new Error("Dockerfile: no ENTRYPOINT [...]");
  return program;
}
