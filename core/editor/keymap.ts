// Key bindings of the four modes, as the seed editor has them (Esc quits in every mode there too):
// what a key event means in each. The seed's normal-mode Ctrl-E (export a plaintext copy beside
// the file) is deliberately left out: it writes the secret unencrypted to disk.
import type { KeyEvent, NamedKey } from "./keys";

export const EDITOR_MODES = ["normal", "nano", "emacs", "mcedit"] as const;
export type EditorMode = (typeof EDITOR_MODES)[number];

export type Command =
  | "save"
  | "quit"
  | "help"
  | "up"
  | "down"
  | "left"
  | "right"
  | "home"
  | "end"
  | "pageup"
  | "pagedown"
  | "backspace"
  | "delete"
  | "newline"
  | "tab"
  | "prefix" // emacs C-x: wait for the second key
  | "cancel"; // emacs C-g

/** Keys every mode shares. */
const COMMON_KEYS: Partial<Record<NamedKey, Command>> = {
  up: "up",
  down: "down",
  left: "left",
  right: "right",
  home: "home",
  end: "end",
  pageup: "pageup",
  pagedown: "pagedown",
  backspace: "backspace",
  delete: "delete",
  enter: "newline",
  tab: "tab",
};

interface Binding {
  keys: Partial<Record<NamedKey, Command>>;
  ctrl: Record<string, Command>;
  /** emacs: what follows C-x. */
  afterPrefix?: Record<string, Command>;
  /** For messages: how the user saves, quits and gets help. */
  names: { save: string; quit: string; help: string };
  help: readonly string[];
}

export const BINDINGS: Record<EditorMode, Binding> = {
  normal: {
    keys: { esc: "quit" },
    ctrl: { s: "save", q: "quit", h: "help" },
    names: { save: "Ctrl-S", quit: "Ctrl-Q", help: "Ctrl-H" },
    help: [
      "Ctrl-S        save",
      "Ctrl-Q, Esc   quit (twice to discard unsaved changes)",
      "Ctrl-H        this help",
    ],
  },
  nano: {
    keys: { esc: "quit" },
    ctrl: {
      o: "save",
      x: "quit",
      g: "help",
      a: "home",
      e: "end",
      h: "backspace",
      d: "delete",
      y: "pageup",
      v: "pagedown",
    },
    names: { save: "^O", quit: "^X", help: "^G" },
    help: [
      "^O       save (write out)",
      "^X, Esc  exit (twice to discard unsaved changes)",
      "^G       this help",
      "^A / ^E  start / end of line",
      "^Y / ^V  page up / page down",
    ],
  },
  emacs: {
    keys: { esc: "quit" },
    ctrl: {
      x: "prefix",
      g: "cancel",
      h: "help",
      a: "home",
      e: "end",
      f: "right",
      b: "left",
      n: "down",
      p: "up",
      d: "delete",
      v: "pagedown",
    },
    afterPrefix: { s: "save", c: "quit" },
    names: { save: "C-x C-s", quit: "C-x C-c", help: "C-h" },
    help: [
      "C-x C-s   save",
      "C-x C-c   quit (twice to discard unsaved changes); Esc too",
      "C-h       this help",
      "C-g       cancel C-x",
      "C-a C-e   start / end of line",
      "C-f C-b   forward / back one character",
      "C-n C-p   next / previous line",
      "C-d       delete forward    C-v  page down",
    ],
  },
  mcedit: {
    keys: { f2: "save", f10: "quit", esc: "quit", f1: "help" },
    ctrl: { h: "backspace" },
    names: { save: "F2", quit: "F10", help: "F1" },
    help: ["F2         save", "F10, Esc   quit (twice to discard unsaved changes)", "F1         this help"],
  },
};

/** The command a non-text key event means in `mode` (null: not bound). */
export function commandFor(mode: EditorMode, ev: KeyEvent, afterPrefix: boolean): Command | null {
  const b = BINDINGS[mode];
  if (afterPrefix) {
    if (ev.kind === "ctrl") return b.afterPrefix?.[ev.letter] ?? (ev.letter === "g" ? "cancel" : null);
    return null;
  }
  if (ev.kind === "ctrl") return b.ctrl[ev.letter] ?? null;
  if (ev.kind === "key") return b.keys[ev.key] ?? COMMON_KEYS[ev.key] ?? null;
  return null;
}
