#!/usr/bin/env node
import { commandLimitsHeap, limitHeapGrowth } from "./heap.js";
import { processIo } from "./io.js";
import { run } from "./program.js";

const argv = process.argv.slice(2);
if (commandLimitsHeap(argv)) limitHeapGrowth();
process.exitCode = await run(argv, processIo());
