// `npm run bench`: every benchmark in scripts/bench, one table. Timings never go in tests.
import { benchAlloc } from "./alloc";
import { loadAverage, printTable } from "./common";
import { benchKdf } from "./kdf";
import { benchStartup } from "./startup";

const rows = [...benchKdf(), ...benchAlloc(), ...benchStartup()];
printTable(`smem benchmarks (${process.platform}-${process.arch}, load average ${loadAverage()})`, rows);
