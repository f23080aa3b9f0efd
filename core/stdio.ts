// The one way smem writes text to stdout and stderr through the runtime's streams. Bun may queue
// a write to a pipe that is full and finish it from the event loop, and nothing reports what is
// still queued (writableLength stays 0). So this module records that the streams were used at
// all, and a command that never used them may end without the runtime's teardown
// (core/exit.ts exitNow): every byte it wrote went out through a blocking write.
// Data and secrets never pass through here; they are written to their fd directly.

let streamsUsed = false;

/** Whether anything in this process was written through process.stdout or process.stderr. */
export function stdioStreamsUsed(): boolean {
  return streamsUsed;
}

/** For code that hands one of the streams to a library that writes to it (e.g. help output). */
export function markStdioStreamsUsed(): void {
  streamsUsed = true;
}

export function writeStdout(text: string): void {
  streamsUsed = true;
  process.stdout.write(text);
}

export function writeStderr(text: string): void {
  streamsUsed = true;
  process.stderr.write(text);
}
