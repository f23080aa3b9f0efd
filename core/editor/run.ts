// Runs an Editor on a Terminal until the user quits: input → key events → commands → redraw.
import type { Editor } from "./editor";
import { KeyDecoder, type KeyEvent } from "./keys";
import type { Terminal } from "./terminal";

/** How long a trailing ESC waits for the rest of an escape sequence before it counts as Esc. */
const ESC_WAIT_MS = 60;

/** Resolves when the editor is done; rejects (terminal restored by the caller) on any failure. */
export function runEditor(editor: Editor, term: Terminal): Promise<void> {
  const decoder = new KeyDecoder();
  const draw = () => {
    const { rows, cols } = term.size();
    editor.resize(rows, cols);
    term.write(editor.render());
  };
  return new Promise<void>((resolve, reject) => {
    term.onResize(() => {
      try {
        draw();
      } catch (err) {
        reject(err);
      }
    });
    let escTimer: ReturnType<typeof setTimeout> | null = null;
    const handle = (events: KeyEvent[]): boolean => {
      for (const ev of events) {
        editor.handle(ev);
        if (editor.done) {
          resolve();
          return true;
        }
      }
      draw();
      return false;
    };
    term.onInput((chunk) => {
      try {
        if (escTimer !== null) clearTimeout(escTimer);
        escTimer = null;
        if (handle(decoder.feed(chunk))) return;
        // An ESC (or a cut sequence) at the end of the read: wait briefly for the rest of it.
        if (decoder.pending) {
          escTimer = setTimeout(() => {
            escTimer = null;
            try {
              handle(decoder.flush());
            } catch (err) {
              reject(err);
            }
          }, ESC_WAIT_MS);
        }
      } catch (err) {
        reject(err);
      }
    });
    draw();
  });
}
