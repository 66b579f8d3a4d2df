/** Where the command line writes: lines to stdout and stderr (the tests capture them). */
export interface Io {
  out(line: string): void;
  err(line: string): void;
}

/** The process's streams. */
export const processIo: Io = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};
