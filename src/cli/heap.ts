/**
 * How far V8 lets the heap grow between full collections. A plan allocates fast (HTTP answers,
 * JSON, PnPjs's batch parts) around a modest live set, and by default V8 then grows the heap to
 * about four times that set before collecting, which at a large tenant's size breaks the memory
 * target. A fixed growing factor of 1.3 keeps the peak under it for a little more (mostly
 * concurrent) marking. It is not a cap: a larger tenant still gets all the memory it needs.
 * `node --heap-growing-percent=N` on the command line wins.
 *
 * Plans of few people get V8's own growth back (fitHeapGrowthToPlan): their live data is small
 * enough that even four times it stays far below the target, and fewer collections save CPU.
 * docs/performance.md has the figures.
 */
import { setFlagsFromString } from "node:v8";

export const HEAP_GROWING_PERCENT = 30;

/** Plans of fewer people than this keep V8's own heap growth. */
export const SMALL_PLAN_PEOPLE = 2_000;

const setOnCommandLine = (execArgv: readonly string[]): boolean => execArgv.some((flag) => /^--heap[-_]growing[-_]percent\b/.test(flag));

/** Commands that serve rather than plan: the emulator's heap is its own (bench runs it through `photosync emulator`). */
const OWN_HEAP_COMMANDS: ReadonlySet<string> = new Set(["emulator"]);

/** Whether the command in `argv` (without node and script) gets the limit: every command that plans, not the emulator. */
export function commandLimitsHeap(argv: readonly string[]): boolean {
  const command = argv.find((arg) => !arg.startsWith("-"));
  return command === undefined || !OWN_HEAP_COMMANDS.has(command);
}

/** Applies HEAP_GROWING_PERCENT unless the command line set one (V8 reads it at every collection). */
export function limitHeapGrowth(execArgv: readonly string[] = process.execArgv, setFlags: (flags: string) => void = setFlagsFromString): void {
  if (setOnCommandLine(execArgv)) return;
  setFlags(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}

/** For a plan of `people`: V8's own growth below SMALL_PLAN_PEOPLE (0 means "V8 decides"), the limit from there on. */
export function fitHeapGrowthToPlan(people: number, execArgv: readonly string[] = process.execArgv, setFlags: (flags: string) => void = setFlagsFromString): void {
  if (setOnCommandLine(execArgv)) return;
  setFlags(`--heap-growing-percent=${people < SMALL_PLAN_PEOPLE ? 0 : HEAP_GROWING_PERCENT}`);
}
