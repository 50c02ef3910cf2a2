import type { Writable } from 'node:stream';
import cliProgress from 'cli-progress';

/** Progress of a long run, drawn on stderr. */
export interface Progress {
  update(done: number): void;
  /** A short note beside the bar (e.g. a pause), or a line of its own without a bar. */
  note(text: string): void;
  stop(): void;
}

/**
 * A progress bar on `stream` when it is a terminal and `enabled`; otherwise notes are plain lines
 * and nothing else is drawn, so logs and pipes stay clean.
 */
export function createProgress(
  stream: Writable & { isTTY?: boolean },
  enabled: boolean,
  total: number,
  label: string,
): Progress {
  if (!enabled || !stream.isTTY || total === 0) {
    return {
      update() {},
      note: (text) => {
        stream.write(`${label}: ${text}\n`);
      },
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: `${label} [{bar}] {percentage}% | {value}/{total} | ETA {eta_formatted} {note}`,
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  // Drawn from the first update on, so lines printed before (malformed rows) stay readable.
  let state: 'idle' | 'drawn' | 'stopped' = 'idle';
  const draw = () => {
    if (state === 'idle') bar.start(total, 0, { note: '' });
    if (state === 'idle') state = 'drawn';
    return state === 'drawn';
  };
  return {
    update: (done) => {
      if (draw()) bar.update(done, { note: '' });
    },
    note: (text) => {
      if (draw()) bar.update({ note: text });
    },
    stop: () => {
      if (state === 'drawn') bar.stop();
      state = 'stopped';
    },
  };
}
