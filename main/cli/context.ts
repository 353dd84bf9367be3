import type { Hub } from '../hub.ts';
import type { Output } from './output.ts';

/** What every CLI command receives: output, the environment, and the hub opened on first use. */
export interface CliContext {
  out: Output;
  env: NodeJS.ProcessEnv;
  stdin: NodeJS.ReadStream;
  /** Lets a command that printed its own report (doctor) still exit non-zero. */
  setExitCode(code: number): void;
  /** Opens (once) the registry and vault of the data directory chosen by the global options. */
  hub(): Promise<Hub>;
}
