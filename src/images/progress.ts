/** Progress of a long batch on a terminal: a live bar on a TTY, a few plain lines otherwise. */
import cliProgress from "cli-progress";

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface Progress {
  /** One more item done; `item` names it on the bar. */
  tick(item?: string): void;
  stop(): void;
}

/** Plain lines at every tenth of the way (and the end): readable in CI logs, deterministic in tests. */
function lineProgress(stream: ProgressStream, total: number, title: string): Progress {
  let done = 0;
  let lastTenth = 0;
  return {
    tick() {
      done++;
      const tenth = Math.floor((done * 10) / total);
      if (tenth > lastTenth || done === total) {
        lastTenth = tenth;
        stream.write(`${title}: ${done}/${total}\n`);
      }
    },
    stop() {},
  };
}

export function createProgress(stream: ProgressStream, total: number, title: string): Progress {
  if (total <= 0) return { tick() {}, stop() {} };
  if (stream.isTTY !== true) return lineProgress(stream, total, title);
  const bar = new cliProgress.SingleBar(
    {
      stream: stream as NodeJS.WritableStream,
      format: `${title} {bar} {value}/{total} {item}`,
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { item: "" });
  return {
    tick(item = "") {
      bar.increment(1, { item });
    },
    stop() {
      bar.stop();
    },
  };
}
