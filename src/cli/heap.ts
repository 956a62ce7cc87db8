/**
 * How far V8 lets the heap grow between full collections. A plan allocates fast (HTTP answers,
 * JSON, PnPjs's batch parts) around a modest live set, and by default V8 then grows the heap to
 * about four times that set before collecting: at 10,000 people ~150 MB of live data made ~600 MB
 * resident. A fixed growing factor of 1.3 keeps the peak under 400 MB there, for ~2 s more CPU of
 * (mostly concurrent) marking and ~0.3 s of wall time. It is not a cap: a larger tenant still gets
 * all the memory it needs. `node --heap-growing-percent=N` on the command line wins.
 */
import { setFlagsFromString } from "node:v8";

export const HEAP_GROWING_PERCENT = 30;

/** Applies HEAP_GROWING_PERCENT unless the command line set one (V8 reads it at every collection). */
export function limitHeapGrowth(execArgv: readonly string[] = process.execArgv): void {
  if (execArgv.some((flag) => /^--heap[-_]growing[-_]percent\b/.test(flag))) return;
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
