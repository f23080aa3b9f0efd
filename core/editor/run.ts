// Runs an Editor on a Terminal until the user quits: input → key events → commands → redraw.
import type { Editor } from "./editor";
import { KeyDecoder } from "./keys";
import type { Terminal } from "./terminal";

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
    term.onInput((chunk) => {
      try {
        for (const ev of decoder.feed(chunk)) {
          editor.handle(ev);
          if (editor.done) return resolve();
        }
        draw();
      } catch (err) {
        reject(err);
      }
    });
    draw();
  });
}
