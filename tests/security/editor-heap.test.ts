// DESIGN 3.1 for the editor: the document's text never becomes a JS string except the rows drawn
// on screen. A child opens an encrypted file, types, saves, and searches its own heap snapshot.
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { runChild } from "../helpers/child";
import { repoRoot } from "../helpers/paths";

const fixture = join(repoRoot, "tests", "fixtures", "editor-heap.ts");

function run(arg?: string): { saved: string; found: boolean[]; framed: boolean } {
  const r = runChild([process.execPath, fixture, ...(arg ? [arg] : [])]);
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout.trim());
}

describe("editor text stays out of the JS heap", () => {
  test("open, decrypt, type, save: neither the file's text nor the typed text is a string", () => {
    const r = run();
    expect(r.saved).toContain("Saved");
    expect(r.found).toEqual([false, false]);
  }, 30_000);

  test("control: drawing the screen does put the visible text in strings, and the search sees it", () => {
    const r = run("render");
    expect(r.framed).toBe(true);
    expect(r.found).toEqual([true, true]);
  }, 30_000);
});
