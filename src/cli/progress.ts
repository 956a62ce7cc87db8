/**
 * Progress of a plan or apply, on standard error and only on a terminal: a cold plan of 10,000
 * people takes over a minute, and a silent minute looks like a hang. Anywhere else (CI logs, pipes,
 * tests) it says nothing, so standard error keeps only what photosync has to say.
 *
 * Until photos are counted (analysed(), fed by analyseDesired's onProgress) the line shows who is
 * being worked on and for how long; once they are, a bar with the count.
 */
import cliProgress from "cli-progress";
import type { ProgressStream } from "../images/progress.js";

export interface RunProgress {
  /** The manifest is loaded: the run covers this many people. */
  started(people: number): void;
  /** `done` of `total` photos analysed: analyseDesired's onProgress. */
  analysed(done: number, total: number): void;
  /** Writes a line (a warning) without tearing the status line. */
  log(text: string): void;
  /** Clears the status line; call before the command's own output. Safe to call twice. */
  stop(): void;
}

interface Payload {
  people: number;
  counting: boolean;
  doing: string;
}

const seconds = (params: cliProgress.Params): string => `${Math.floor((Date.now() - params.startTime) / 1000)}s`;

/**
 * `title`: the command; `doing`: what it does before photos are counted, in words ("analysing
 * photos"); `then`: what it does once they all are ("reading the tenant").
 */
export function createRunProgress(stream: ProgressStream, title: string, doing: string, then = doing): RunProgress {
  if (stream.isTTY !== true) return { started() {}, analysed() {}, log: (text) => void stream.write(text), stop() {} };
  let bar: cliProgress.SingleBar | undefined;
  return {
    started(people) {
      if (bar || people <= 0) return;
      bar = new cliProgress.SingleBar(
        {
          stream: stream as NodeJS.WritableStream,
          format: (options, params, payload: Payload) =>
            payload.counting
              ? `${title}: ${payload.people} people: analysing photos ${cliProgress.Format.BarFormat(params.progress, options)} ${params.value}/${params.total} ${seconds(params)}`
              : `${title}: ${payload.people} people: ${payload.doing}… ${seconds(params)}`,
          hideCursor: true,
          // The command's own output follows on the same terminal.
          clearOnComplete: true,
          fps: 4,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(people, 0, { people, counting: false, doing } satisfies Payload);
    },
    analysed(done, total) {
      if (!bar) return;
      bar.setTotal(total);
      // Every photo analysed: what follows (the tenant's reads) has no count of its own.
      bar.update(done, done < total ? { counting: true } : { counting: false, doing: then });
    },
    log(text) {
      // Clear the status line, write, and draw the status line again below.
      if (bar) stream.write("\r\u001b[2K");
      stream.write(text);
      bar?.render();
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}
