// The editor's state machine: a TextDocument in locked memory, a cursor kept as a byte offset,
// scrolling, the modified flag, and the commands of core/editor/keymap.ts. It never touches the
// terminal: render() returns the ANSI frame for the current size and cmd/edit writes it.
import { decodeCodePoint } from "../text/utf8";
import { TextDocument } from "./document";
import { BINDINGS, type Command, commandFor, type EditorMode } from "./keymap";
import type { KeyEvent } from "./keys";
import { codePointWidth, TAB_WIDTH } from "./width";

export interface EditorOptions {
  /** Shown in the status bar. */
  fileName: string;
  mode: EditorMode;
  /** "encrypted" or "plaintext" in the status bar. */
  encrypted: boolean;
  /** Writes the document; returns the message to show. Throws (any Error) when it cannot. */
  save: (contents: Uint8Array) => string;
  /** A first message (e.g. "no sedit header: editing as plaintext"). */
  notice?: string;
}

const NEWLINE = new Uint8Array([0x0a]);
const TAB = new Uint8Array([0x09]);
const SCROLL_MARGIN = 8;

/** Length of the UTF-8 sequence a lead byte starts (the document is always well-formed). */
function seqLength(lead: number): number {
  return lead < 0x80 ? 1 : lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : 4;
}

export class Editor implements Disposable {
  readonly doc: TextDocument;
  readonly mode: EditorMode;
  readonly fileName: string;
  readonly encrypted: boolean;
  #save: (contents: Uint8Array) => string;

  /** Byte offset of the cursor, always on a character boundary. */
  cursor = 0;
  /** The display column vertical moves aim for. */
  #goalCol: number | null = null;
  top = 0;
  left = 0;
  rows = 24;
  cols = 80;
  modified = false;
  message: string;
  quitArmed = false;
  showHelp = false;
  done = false;
  #prefix = false;
  #scratch = new Uint8Array(4);

  constructor(initial: Uint8Array, opts: EditorOptions) {
    this.doc = new TextDocument(initial);
    this.mode = opts.mode;
    this.fileName = opts.fileName;
    this.encrypted = opts.encrypted;
    this.#save = opts.save;
    this.message = opts.notice ?? this.#hint();
  }

  resize(rows: number, cols: number): void {
    this.rows = Math.max(rows, 3);
    this.cols = Math.max(cols, 10);
  }

  // ---- input ----------------------------------------------------------------------------------

  handle(ev: KeyEvent): void {
    if (this.showHelp) {
      this.showHelp = false; // any key closes help
      this.message = this.#hint();
      return;
    }
    if (ev.kind === "text") {
      this.#disarm();
      this.#prefix = false;
      this.#insert(ev.bytes);
      return;
    }
    const afterPrefix = this.#prefix;
    this.#prefix = false;
    const cmd = commandFor(this.mode, ev, afterPrefix);
    if (cmd === null) {
      if (afterPrefix) this.message = "C-x followed by a key that is not bound";
      return;
    }
    this.run(cmd);
  }

  run(cmd: Command): void {
    if (cmd !== "quit") this.#disarm();
    switch (cmd) {
      case "save":
        this.#doSave();
        return;
      case "quit":
        this.#quit();
        return;
      case "help":
        this.showHelp = true;
        return;
      case "prefix":
        this.#prefix = true;
        this.message = "C-x-";
        return;
      case "cancel":
        this.message = "Quit";
        return;
      case "left":
        this.#moveTo(this.#prevChar(this.cursor));
        return;
      case "right":
        this.#moveTo(this.#nextChar(this.cursor));
        return;
      case "home":
        this.#moveTo(this.doc.lineStart(this.doc.lineOf(this.cursor)));
        return;
      case "end":
        this.#moveTo(this.doc.lineEnd(this.doc.lineOf(this.cursor)));
        return;
      case "up":
        this.#moveLines(-1);
        return;
      case "down":
        this.#moveLines(1);
        return;
      case "pageup":
        this.#moveLines(-this.#textRows());
        return;
      case "pagedown":
        this.#moveLines(this.#textRows());
        return;
      case "backspace": {
        if (this.cursor === 0) return;
        const prev = this.#prevChar(this.cursor);
        this.doc.delete(prev, this.cursor);
        this.cursor = prev;
        this.#edited();
        return;
      }
      case "delete": {
        if (this.cursor >= this.doc.length) return;
        this.doc.delete(this.cursor, this.#nextChar(this.cursor));
        this.#edited();
        return;
      }
      case "newline":
        this.#insert(NEWLINE);
        return;
      case "tab":
        this.#insert(TAB);
        return;
    }
  }

  #insert(bytes: Uint8Array): void {
    this.doc.insert(this.cursor, bytes);
    this.cursor += bytes.length;
    this.#edited();
  }

  #edited(): void {
    this.modified = true;
    this.#goalCol = null;
  }

  #disarm(): void {
    if (this.quitArmed) {
      this.quitArmed = false;
      this.message = this.#hint();
    }
  }

  #quit(): void {
    if (!this.modified || this.quitArmed) {
      this.done = true;
      return;
    }
    this.quitArmed = true;
    const n = BINDINGS[this.mode].names;
    this.message = `Unsaved changes! ${n.quit} again quits without saving, ${n.save} saves.`;
  }

  #doSave(): void {
    try {
      this.message = this.#save(this.doc.contents());
      this.modified = false;
    } catch (err) {
      this.message = `Save failed: ${(err as Error).message}`;
    }
  }

  #hint(): string {
    const n = BINDINGS[this.mode].names;
    return `${n.save} save · ${n.quit} quit · ${n.help} help`;
  }

  // ---- movement -------------------------------------------------------------------------------

  #moveTo(pos: number): void {
    this.cursor = pos;
    this.#goalCol = null;
  }

  #prevChar(pos: number): number {
    if (pos === 0) return 0;
    let p = pos - 1;
    while (p > 0 && (this.doc.byteAt(p) & 0xc0) === 0x80) p--;
    return p;
  }

  #nextChar(pos: number): number {
    if (pos >= this.doc.length) return pos;
    return pos + seqLength(this.doc.byteAt(pos));
  }

  #moveLines(delta: number): void {
    const line = this.doc.lineOf(this.cursor);
    const goal = this.#goalCol ?? this.#displayCol(line, this.cursor);
    const target = Math.min(Math.max(line + delta, 0), this.doc.lineCount - 1);
    if (target === line) {
      // Past the first or last line: go to its start or end, as most editors do.
      this.cursor = delta < 0 ? this.doc.lineStart(line) : this.doc.lineEnd(line);
    } else {
      this.cursor = this.#posAtCol(target, goal);
    }
    this.#goalCol = goal;
  }

  /** The code point at `pos` and its byte length. */
  #charAt(pos: number): [number, number] {
    const len = seqLength(this.doc.byteAt(pos));
    for (let k = 0; k < len; k++) this.#scratch[k] = this.doc.byteAt(pos + k);
    const cp = decodeCodePoint(this.#scratch, 0, len);
    this.#scratch.fill(0);
    return [cp, len];
  }

  /** Cells the code point takes when it starts at column `col`. */
  #cells(cp: number, col: number): number {
    if (cp === 0x09) return TAB_WIDTH - (col % TAB_WIDTH);
    if (cp < 0x20 || cp === 0x7f) return 2; // drawn as ^X
    if (cp >= 0x80 && cp < 0xa0) return 1; // C1 controls drawn as ?
    return codePointWidth(cp);
  }

  #displayCol(line: number, pos: number): number {
    let col = 0;
    for (let p = this.doc.lineStart(line); p < pos; ) {
      const [cp, len] = this.#charAt(p);
      col += this.#cells(cp, col);
      p += len;
    }
    return col;
  }

  #posAtCol(line: number, goal: number): number {
    const end = this.doc.lineEnd(line);
    let col = 0;
    let p = this.doc.lineStart(line);
    while (p < end) {
      const [cp, len] = this.#charAt(p);
      const w = this.#cells(cp, col);
      if (col + w > goal) break;
      col += w;
      p += len;
    }
    return p;
  }

  /** Line and column (both from 1, the column counting characters) of the cursor. */
  position(): { line: number; column: number } {
    const line = this.doc.lineOf(this.cursor);
    let column = 1;
    for (let p = this.doc.lineStart(line); p < this.cursor; p += seqLength(this.doc.byteAt(p))) column++;
    return { line: line + 1, column };
  }

  // ---- drawing --------------------------------------------------------------------------------

  #textRows(): number {
    return Math.max(this.rows - 2, 1);
  }

  #scrollToCursor(): number {
    const rows = this.#textRows();
    const line = this.doc.lineOf(this.cursor);
    if (line < this.top) this.top = line;
    if (line >= this.top + rows) this.top = line - rows + 1;
    const col = this.#displayCol(line, this.cursor);
    if (col < this.left) this.left = Math.max(0, col - SCROLL_MARGIN);
    if (col >= this.left + this.cols)
      this.left = col - this.cols + 1 + Math.min(SCROLL_MARGIN, this.cols >> 2);
    return col;
  }

  /** The visible part of `line`, as the string drawn for it (the only place text is decoded). */
  #drawLine(line: number): string {
    const right = this.left + this.cols;
    const end = this.doc.lineEnd(line);
    let out = "";
    let col = 0;
    for (let p = this.doc.lineStart(line); p < end && col < right; ) {
      const [cp, len] = this.#charAt(p);
      p += len;
      const w = this.#cells(cp, col);
      let glyph: string;
      if (cp === 0x09) glyph = " ".repeat(w);
      else if (cp < 0x20 || cp === 0x7f) glyph = `\x1b[7m^${String.fromCharCode(cp ^ 0x40)}\x1b[27m`;
      else if (cp >= 0x80 && cp < 0xa0) glyph = "\x1b[7m?\x1b[27m";
      else glyph = String.fromCodePoint(cp);
      if (w === 0) {
        if (col > this.left) out += glyph; // combining mark on a drawn character
      } else if (col >= this.left && col + w <= right) {
        out += glyph;
      } else if (col < this.left && col + w > this.left) {
        out += " ".repeat(Math.min(col + w, right) - this.left); // cut by the left edge
      } else if (col < right && col + w > right) {
        out += " ".repeat(right - col); // cut by the right edge
      }
      col += w;
    }
    return out;
  }

  #statusBar(): string {
    const { line, column } = this.position();
    const kind = this.encrypted ? "encrypted" : "plaintext";
    const flags = `  [${kind}]  mode: ${this.mode}${this.modified ? "  [modified]" : ""}`;
    const right = `Ln ${line}, Col ${column} `;
    // The file name gives way first: full path, then its last component, then an ellipsis.
    const room = this.cols - right.length - flags.length - 2;
    const base = this.fileName.slice(this.fileName.lastIndexOf("/") + 1);
    const name =
      this.fileName.length <= room
        ? this.fileName
        : base.length <= room
          ? base
          : room > 1
            ? `${base.slice(0, room - 1)}…`
            : "";
    // The position always shows; the flags are cut at the right when the terminal is narrow.
    const left = ` ${name}${flags}`.slice(0, Math.max(this.cols - right.length - 1, 0));
    const gap = Math.max(this.cols - left.length - right.length, 0);
    return (left + " ".repeat(gap) + right).slice(-this.cols);
  }

  /** The whole screen as ANSI text: document rows, status bar, message line, cursor. */
  render(): string {
    const rows = this.#textRows();
    const col = this.#scrollToCursor();
    let frame = "\x1b[?25l";
    if (this.showHelp) {
      const help = [
        `smem edit — ${this.mode} mode keys`,
        "",
        ...BINDINGS[this.mode].help,
        "",
        "Any key returns.",
      ];
      for (let r = 0; r < rows; r++) frame += `\x1b[${r + 1};1H${(help[r] ?? "").slice(0, this.cols)}\x1b[K`;
    } else {
      for (let r = 0; r < rows; r++) {
        const line = this.top + r;
        frame += `\x1b[${r + 1};1H`;
        frame += line < this.doc.lineCount ? this.#drawLine(line) : "\x1b[2m~\x1b[22m";
        frame += "\x1b[K";
      }
    }
    frame += `\x1b[${rows + 1};1H\x1b[7m${this.#statusBar()}\x1b[27m`;
    frame += `\x1b[${rows + 2};1H${this.message.slice(0, this.cols - 1)}\x1b[K`;
    const y = this.doc.lineOf(this.cursor) - this.top + 1;
    const x = Math.min(col - this.left, this.cols - 1) + 1;
    frame += `\x1b[${y};${x}H\x1b[?25h`;
    return frame;
  }

  destroy(): void {
    this.doc.destroy();
  }

  [Symbol.dispose](): void {
    this.destroy();
  }
}
