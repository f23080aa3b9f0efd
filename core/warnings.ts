// One channel for the warnings core/ has to give (SMEM_PASSPHRASE in use, ...). core/ never
// prints on its own terms: cmd/ installs a handler that honours --quiet and NO_COLOR.

import { writeStderr } from "./stdio";

let handler: (message: string) => void = (message) => {
  writeStderr(`smem: warning: ${message}\n`);
};
const given = new Set<string>();

export function setWarningHandler(fn: (message: string) => void): void {
  handler = fn;
}

/** Show `message` the first time `key` is seen in this process. */
export function warnOnce(key: string, message: string): void {
  if (given.has(key)) return;
  given.add(key);
  handler(message);
}
