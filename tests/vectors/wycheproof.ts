// Loading Wycheproof test files (schema: testGroups[].tests[] with tcId, result, flags, hex fields).
import { readFileSync } from "node:fs";
import { vector } from "../helpers/paths";

export type WycheproofResult = "valid" | "invalid" | "acceptable";

export interface WycheproofCase {
  tcId: number;
  comment: string;
  flags: string[];
  result: WycheproofResult;
  [field: string]: unknown;
}

export interface WycheproofGroup<T> {
  tests: T[];
  [field: string]: unknown;
}

export interface WycheproofFile<T> {
  algorithm: string;
  numberOfTests: number;
  testGroups: WycheproofGroup<T>[];
}

export function loadWycheproof<T extends WycheproofCase>(file: string): WycheproofFile<T> {
  return JSON.parse(readFileSync(vector("wycheproof", file), "utf8")) as WycheproofFile<T>;
}

/** Every case with its group, and how many there are (checked against numberOfTests). */
export function allCases<T extends WycheproofCase>(file: WycheproofFile<T>): Array<[WycheproofGroup<T>, T]> {
  return file.testGroups.flatMap((g) => g.tests.map((t): [WycheproofGroup<T>, T] => [g, t]));
}
