/**
 * The Electron entry (bundled to out/main/index.js). Everything Electron-specific lives in main/app/;
 * this file only hands the electron module to the desktop shell.
 */
import * as electron from 'electron';
import { startDesktopApp } from './app/desktop-app.ts';

startDesktopApp(electron).catch((error: unknown) => {
  process.stderr.write(
    `Switchboard failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  electron.app.exit(1);
});
