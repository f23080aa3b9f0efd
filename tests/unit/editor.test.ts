// The editor's pieces without a terminal: the locked gap buffer and line index, the key decoder,
// cell widths, and the editor's commands (cursor movement over multi-byte and wide characters,
// scrolling, the unsaved-changes guard).
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { liveBufferCount, utf8 } from "../../core";
import { TextDocument } from "../../core/editor/document";
import { Editor, type EditorOptions } from "../../core/editor/editor";
import { GapBuffer } from "../../core/editor/gap-buffer";
import { KeyDecoder, type KeyEvent } from "../../core/editor/keys";
import { codePointWidth } from "../../core/editor/width";

const dec = new TextDecoder();

describe("GapBuffer", () => {
  test("matches a plain array under random inserts and deletes, growing as needed", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.record({
              op: fc.constant("ins" as const),
              at: fc.nat(),
              data: fc.uint8Array({ maxLength: 3000 }),
            }),
            fc.record({ op: fc.constant("del" as const), at: fc.nat(), n: fc.nat(500) }),
            fc.record({ op: fc.constant("view" as const), at: fc.nat(), n: fc.nat(500) }),
          ),
          { maxLength: 30 },
        ),
        (ops) => {
          using gb = GapBuffer.from(new Uint8Array(0));
          let model: number[] = [];
          for (const o of ops) {
            const at = o.at % (model.length + 1);
            if (o.op === "ins") {
              gb.insert(at, o.data);
              model = [...model.slice(0, at), ...o.data, ...model.slice(at)];
            } else if (o.op === "del") {
              const n = Math.min(o.n, model.length - at);
              gb.delete(at, n);
              model.splice(at, n);
            } else {
              const end = Math.min(at + o.n, model.length);
              expect([...gb.view(at, end)]).toEqual(model.slice(at, end));
            }
            expect(gb.length).toBe(model.length);
          }
          expect([...gb.contents()]).toEqual(model);
        },
      ),
      { numRuns: 60 },
    );
  });

  test("growing destroys the old locked buffer", () => {
    const before = liveBufferCount();
    const gb = GapBuffer.from(new Uint8Array(10));
    expect(liveBufferCount()).toBe(before + 1);
    gb.insert(5, new Uint8Array(100_000));
    expect(gb.capacity).toBeGreaterThanOrEqual(100_010);
    expect(liveBufferCount()).toBe(before + 1);
    gb.destroy();
    expect(liveBufferCount()).toBe(before);
  });
});

describe("TextDocument line index", () => {
  test("tracks line starts through edits", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            del: fc.boolean(),
            at: fc.nat(),
            n: fc.nat(8),
            text: fc.stringMatching(/^[ab\n]{0,6}$/),
          }),
          { maxLength: 40 },
        ),
        (ops) => {
          using doc = new TextDocument(utf8("start\nof\ntext"));
          let model = "start\nof\ntext";
          for (const o of ops) {
            const at = o.at % (model.length + 1);
            if (o.del) {
              const end = Math.min(at + o.n, model.length);
              doc.delete(at, end);
              model = model.slice(0, at) + model.slice(end);
            } else {
              doc.insert(at, utf8(o.text));
              model = model.slice(0, at) + o.text + model.slice(at);
            }
          }
          const lines = model.split("\n");
          expect(doc.lineCount).toBe(lines.length);
          let offset = 0;
          lines.forEach((line, i) => {
            expect(doc.lineStart(i)).toBe(offset);
            expect(doc.lineEnd(i)).toBe(offset + line.length);
            expect(doc.lineOf(offset)).toBe(i);
            offset += line.length + 1;
          });
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe("KeyDecoder", () => {
  const names = (evs: KeyEvent[]) =>
    evs.map((e) =>
      e.kind === "text" ? `text:${dec.decode(e.bytes)}` : e.kind === "key" ? e.key : `C-${e.letter}`,
    );

  test("control keys, escape sequences, function keys in xterm and vt forms", () => {
    const d = new KeyDecoder();
    const input =
      "\x13\x11\x08\x7f\r\t\x1b[A\x1b[B\x1b[C\x1b[D\x1b[H\x1b[F\x1b[1~\x1b[4~\x1b[5~\x1b[6~\x1b[3~\x1bOP\x1bOQ\x1b[21~\x1b[12~\x1b[1;5C";
    expect(names(d.feed(utf8(input)))).toEqual([
      "C-s",
      "C-q",
      "C-h",
      "backspace",
      "enter",
      "tab",
      "up",
      "down",
      "right",
      "left",
      "home",
      "end",
      "home",
      "end",
      "pageup",
      "pagedown",
      "delete",
      "f1",
      "f2",
      "f10",
      "f2",
      "right",
    ]);
  });

  test("CR, LF and a pasted CRLF are one Enter each", () => {
    const d = new KeyDecoder();
    expect(names(d.feed(utf8("a\rb\nc\r\nd")))).toEqual([
      "text:a",
      "enter",
      "text:b",
      "enter",
      "text:c",
      "enter",
      "text:d",
    ]);
  });

  test("a lone Esc, and Esc followed by text", () => {
    const d = new KeyDecoder();
    expect(names(d.feed(utf8("\x1b")))).toEqual([]); // could be the start of a sequence
    expect(d.pending).toBe(true);
    expect(names(d.flush())).toEqual(["esc"]);
    expect(d.pending).toBe(false);
    expect(names(d.feed(utf8("\x1bé")))).toEqual(["esc", "text:é"]);
    // ESC then the rest of the sequence in the next read: F2, not Esc + "OQ".
    expect(names(d.feed(utf8("\x1b")))).toEqual([]);
    expect(names(d.feed(utf8("OQ")))).toEqual(["f2"]);
  });

  test("UTF-8 split across chunks is reassembled; ill-formed bytes are dropped", () => {
    const d = new KeyDecoder();
    const bytes = utf8("a日🔐b");
    const out: string[] = [];
    for (let i = 0; i < bytes.length; i++) out.push(...names(d.feed(bytes.subarray(i, i + 1))));
    expect(out.join("")).toBe("text:atext:日text:🔐text:b");
    expect(names(d.feed(new Uint8Array([0x61, 0xff, 0x62, 0xc0, 0x80])))).toEqual(["text:a", "text:b"]);
  });

  test("an escape sequence split across chunks", () => {
    const d = new KeyDecoder();
    expect(names(d.feed(utf8("\x1b[2")))).toEqual([]);
    expect(names(d.feed(utf8("1~x")))).toEqual(["f10", "text:x"]);
  });
});

describe("cell widths", () => {
  test("CJK and emoji are 2, combining marks 0, Latin 1", () => {
    for (const ch of ["日", "本", "🔐", "😀", "한", "Ｆ"])
      expect(codePointWidth(ch.codePointAt(0) as number)).toBe(2);
    for (const ch of ["a", "é", "Ω", "→"]) expect(codePointWidth(ch.codePointAt(0) as number)).toBe(1);
    for (const cp of [0x301, 0x200d, 0xfe0f]) expect(codePointWidth(cp)).toBe(0);
  });
});

function makeEditor(text: string, opts: Partial<EditorOptions> = {}): { ed: Editor; saved: string[] } {
  const saved: string[] = [];
  const ed = new Editor(utf8(text), {
    fileName: "f",
    mode: "normal",
    encrypted: true,
    save: (c) => {
      saved.push(dec.decode(c));
      return "saved";
    },
    ...opts,
  });
  ed.resize(10, 20);
  return { ed, saved };
}

const key = (k: string): KeyEvent => ({ kind: "key", key: k as never });
const ctrl = (l: string): KeyEvent => ({ kind: "ctrl", letter: l });
const text = (s: string): KeyEvent => ({ kind: "text", bytes: utf8(s) });

describe("Editor", () => {
  test("moves by characters over multi-byte text and keeps the column on wide characters", () => {
    const { ed } = makeEditor("日本語abc\nxyzuvw");
    using _ = ed;
    ed.handle(key("right"));
    ed.handle(key("right"));
    expect(ed.position()).toEqual({ line: 1, column: 3 });
    expect(ed.cursor).toBe(6);
    ed.handle(key("down")); // display column 4 -> "xyzu|vw"
    expect(ed.position()).toEqual({ line: 2, column: 5 });
    ed.handle(key("up"));
    expect(ed.position()).toEqual({ line: 1, column: 3 });
    ed.handle(key("end"));
    ed.handle(key("right")); // wraps to the next line
    expect(ed.position()).toEqual({ line: 2, column: 1 });
    ed.handle(key("left"));
    expect(ed.position()).toEqual({ line: 1, column: 7 });
  });

  test("typing, Enter, Backspace and Delete edit the locked document", () => {
    const { ed, saved } = makeEditor("ab");
    using _ = ed;
    ed.handle(key("end"));
    ed.handle(text("é🔐"));
    ed.handle(key("enter"));
    ed.handle(text("x"));
    expect(ed.modified).toBe(true);
    ed.handle(key("backspace"));
    ed.handle(key("backspace")); // joins the lines
    ed.handle(key("backspace")); // removes the whole emoji
    ed.handle(key("home"));
    ed.handle(key("delete"));
    ed.handle(ctrl("s"));
    expect(saved).toEqual(["bé"]);
    expect(ed.modified).toBe(false);
  });

  test("quit with unsaved changes warns once; any other command re-arms the warning", () => {
    const { ed } = makeEditor("");
    using _ = ed;
    ed.handle(text("x"));
    ed.handle(ctrl("q"));
    expect(ed.done).toBe(false);
    expect(ed.message).toContain("Unsaved changes");
    ed.handle(key("left"));
    ed.handle(key("esc"));
    expect(ed.done).toBe(false);
    ed.handle(key("esc"));
    expect(ed.done).toBe(true);
  });

  test("Esc quits in every mode, as in the seed", () => {
    for (const mode of ["normal", "nano", "emacs", "mcedit"] as const) {
      const { ed } = makeEditor("", { mode });
      using _ = ed;
      ed.handle(key("esc"));
      expect(ed.done).toBe(true);
    }
  });

  test("a failed save keeps the modified flag and says why", () => {
    const { ed } = makeEditor("", {
      save: () => {
        throw new Error("disk full");
      },
    });
    using _ = ed;
    ed.handle(text("x"));
    ed.handle(ctrl("s"));
    expect(ed.modified).toBe(true);
    expect(ed.message).toBe("Save failed: disk full");
  });

  test("emacs needs C-x before C-s / C-c; nano and mcedit have their own keys", () => {
    const emacs = makeEditor("", { mode: "emacs" });
    using _e = emacs.ed;
    emacs.ed.handle(ctrl("s"));
    expect(emacs.saved).toEqual([]);
    emacs.ed.handle(ctrl("x"));
    emacs.ed.handle(ctrl("s"));
    expect(emacs.saved).toEqual([""]);
    emacs.ed.handle(ctrl("x"));
    emacs.ed.handle(ctrl("c"));
    expect(emacs.ed.done).toBe(true);

    const nano = makeEditor("", { mode: "nano" });
    using _n = nano.ed;
    nano.ed.handle(ctrl("g"));
    expect(nano.ed.showHelp).toBe(true);
    nano.ed.handle(text("q")); // closes help, inserts nothing
    expect(nano.ed.modified).toBe(false);
    nano.ed.handle(ctrl("o"));
    expect(nano.saved).toEqual([""]);
    nano.ed.handle(ctrl("x"));
    expect(nano.ed.done).toBe(true);

    const mc = makeEditor("", { mode: "mcedit" });
    using _m = mc.ed;
    mc.ed.handle(key("f2"));
    mc.ed.handle(key("f10"));
    expect(mc.saved).toEqual([""]);
    expect(mc.ed.done).toBe(true);
  });

  test("renders only the visible window: vertical and horizontal scrolling, status bar", () => {
    const lines = Array.from({ length: 30 }, (_, i) => `line ${i} ${"日".repeat(3 * i)}`);
    const { ed } = makeEditor(lines.join("\n"));
    using _ = ed;
    ed.resize(10, 60);
    ed.handle(key("pagedown"));
    ed.handle(key("pagedown"));
    ed.handle(key("end"));
    const frame = ed.render();
    expect(ed.top).toBeGreaterThan(0);
    expect(ed.left).toBeGreaterThan(0);
    expect(frame).not.toContain("line 0 ");
    expect(frame).toContain("Ln 17, Col 57");
    expect(frame).toContain("[encrypted]");
  });
});
