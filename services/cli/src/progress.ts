import cliProgress from "cli-progress";
import type { RunProgress } from "./runner.js";

export type ProgressMode = "bar" | "lines" | "none";

/** A bar when stderr is a terminal (and not --quiet/--json), plain lines otherwise, nothing with --quiet. */
export function progressMode(options: { quiet?: boolean; json?: boolean }, stream: NodeJS.WriteStream = process.stderr): ProgressMode {
  if (options.quiet) return "none";
  if (stream.isTTY && !options.json) return "bar";
  return "lines";
}

/** Shows replication progress on stderr. */
export class ProgressDisplay {
  readonly #mode: ProgressMode;
  readonly #stream: NodeJS.WriteStream;
  #bar: cliProgress.SingleBar | undefined;
  #lastTenth = -1;

  constructor(mode: ProgressMode, stream: NodeJS.WriteStream = process.stderr) {
    this.#mode = mode;
    this.#stream = stream;
  }

  update({ done, total }: RunProgress): void {
    if (this.#mode === "bar") {
      if (this.#bar === undefined) {
        this.#bar = new cliProgress.SingleBar(
          {
            stream: this.#stream,
            format: "replications {bar} {value}/{total} ({percentage}%) eta {eta_formatted}",
            hideCursor: true,
            etaBuffer: 50,
          },
          cliProgress.Presets.shades_classic,
        );
        this.#bar.start(total, done);
      } else {
        this.#bar.update(done);
      }
    } else if (this.#mode === "lines") {
      // Every 10%: occasional, and deterministic in count.
      const tenth = total === 0 ? 10 : Math.floor((done * 10) / total);
      if (tenth > this.#lastTenth && (done > 0 || total === 0)) {
        this.#lastTenth = tenth;
        this.#stream.write(`progress: ${done}/${total} replications (${total === 0 ? 100 : Math.floor((done * 100) / total)}%)\n`);
      }
    }
  }

  stop(): void {
    this.#bar?.stop();
    this.#bar = undefined;
  }
}
