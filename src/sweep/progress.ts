import cliProgress from 'cli-progress';

/** Told of each finished run; ends with the totals. */
export interface Progress {
  update(done: number, failed: number): void;
  stop(): void;
}

/**
 * A progress bar (runs done/total, ETA, failures) on a terminal, or plain
 * lines at every tenth of the runs when stderr is not one (CI logs).
 */
export function progressFor(total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (total === 0) return { update: () => {}, stop: () => {} };
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format: 'runs [{bar}] {value}/{total} | failed {failed} | ETA {eta_formatted}',
        hideCursor: true,
        etaBuffer: 20,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { failed: 0 });
    return {
      update: (done, failed) => bar.update(done, { failed }),
      stop: () => bar.stop(),
    };
  }
  let reported = 0;
  return {
    update: (done, failed) => {
      const step = Math.max(1, Math.ceil(total / 10));
      if (done === total || done - reported >= step) {
        reported = done;
        stream.write(`edgesim: ${done}/${total} runs done, ${failed} failed\n`);
      }
    },
    stop: () => {},
  };
}
