import { Command, CommanderError } from 'commander';
import type { CliContext } from './context.ts';
import { createOutput } from './output.ts';
import { exitCodeFor, EXIT } from './exit-codes.ts';
import { registerServerCommands } from './server-commands.ts';
import { registerSecretCommands } from './secret-commands.ts';
import { registerTransferCommands } from './transfer-commands.ts';
import { registerVaultCommands } from './vault-commands.ts';
import { registerDoctorCommand } from './doctor-command.ts';
import { registerSettingsCommands } from './settings-commands.ts';
import { registerServeCommand } from './serve-command.ts';
import { registerBridgeCommand } from './bridge-command.ts';
import { registerTokenCommands } from './token-commands.ts';
import { registerClientCommands } from './client-commands.ts';
import { registerCatalogCommands } from './catalog-commands.ts';
import { registerAuthCommands } from './auth-commands.ts';
import { registerGatewayCommands, registerStatusCommand } from './status-command.ts';
import { registerVarCommands } from './var-commands.ts';
import { registerToolCommands } from './tool-commands.ts';
import { registerProfileCommands } from './profile-commands.ts';
import { resolveDataDir } from '../lib/paths.ts';
import { SwitchboardError, toErrorInfo } from '../lib/errors.ts';
import { openHub, type Hub } from '../hub.ts';

export interface RunOptions {
  argv: string[];
  env?: NodeJS.ProcessEnv;
  stdin?: NodeJS.ReadStream;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
}

/** Parses argv, runs one command, and returns the process exit code. Never throws. */
export async function runCli(options: RunOptions): Promise<number> {
  const env = options.env ?? process.env;
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const wantsJson = options.argv.includes('--json');
  const out = createOutput(wantsJson, stdout, stderr);
  let hub: Hub | undefined;
  let exitCode: number = EXIT.ok;

  const program = new Command('switchboard')
    .description('One local MCP hub for every AI client on your machine.')
    .option('--data-dir <dir>', 'data directory (default: $SWITCHBOARD_HOME or the platform app-data folder)')
    .option('--json', 'machine-readable output')
    .option(
      '--vault-passphrase-file <file>',
      'unlock the vault with a passphrase from this file instead of the OS keyring',
    )
    .exitOverride()
    .configureOutput({
      writeOut: (s) => stdout.write(s),
      writeErr: (s) => stderr.write(s),
      // With --json a usage error is answered as JSON below, like every other error.
      outputError: (s, write) => {
        if (!wantsJson) write(s);
      },
    })
    .showHelpAfterError('(run with --help for usage)');

  const ctx: CliContext = {
    out,
    env,
    stdin: options.stdin ?? process.stdin,
    setExitCode: (code) => {
      exitCode = code;
    },
    async hub() {
      if (!hub) {
        const opts = program.opts<{ dataDir?: string; vaultPassphraseFile?: string }>();
        hub = openHub({
          dataDir: resolveDataDir({ flag: opts.dataDir, env }),
          env,
          passphraseFile: opts.vaultPassphraseFile,
        });
      }
      return hub;
    },
  };

  registerServerCommands(program, ctx);
  registerSecretCommands(program, ctx);
  registerTransferCommands(program, ctx);
  registerVaultCommands(program, ctx);
  registerDoctorCommand(program, ctx);
  registerSettingsCommands(program, ctx);
  registerServeCommand(program, ctx);
  registerBridgeCommand(program, ctx);
  registerTokenCommands(program, ctx);
  registerClientCommands(program, ctx);
  registerCatalogCommands(program, ctx);
  registerStatusCommand(program, ctx);
  registerGatewayCommands(program, ctx);
  registerVarCommands(program, ctx);
  registerToolCommands(program, ctx);
  registerAuthCommands(program, ctx);
  registerProfileCommands(program, ctx);

  try {
    await program.parseAsync(options.argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; everything else commander rejects is a usage error.
      if (error.exitCode === 0) return EXIT.ok;
      if (wantsJson) {
        const message = error.message.replace(/^error: /, '');
        out.failure({ code: 'USAGE', message: `${message} (run with --help for usage)` });
      }
      return EXIT.usage;
    }
    const info = toErrorInfo(error);
    out.failure(info);
    return error instanceof SwitchboardError ? exitCodeFor(error.code) : EXIT.internal;
  } finally {
    await hub?.close();
  }
}
