#!/usr/bin/env node
import { limitHeapGrowth } from "./heap.js";
import { processIo } from "./io.js";
import { run } from "./program.js";

limitHeapGrowth();
process.exitCode = await run(process.argv.slice(2), processIo());
