// Where tests find the repository and the shared test vectors. CI clones the repo with shared/
// beside it; a developer's worktree may sit deeper, so walk up until shared/vectors appears.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

export const repoRoot = join(import.meta.dir, "..", "..");

export function vectorsDir(): string {
  let dir = repoRoot;
  for (;;) {
    const candidate = join(dir, "..", "shared", "vectors");
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`shared/vectors not found above ${repoRoot}`);
    dir = parent;
  }
}

export function vector(...parts: string[]): string {
  return join(vectorsDir(), ...parts);
}
