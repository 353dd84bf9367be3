import os from 'node:os';
import path from 'node:path';

/** The app's folder name; Electron's userData uses the productName, so both runtimes share one folder. */
export const APP_DIR_NAME = 'Switchboard';

export interface DataDirSources {
  flag?: string | undefined;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  homedir?: string;
}

/** Resolves the data directory: --data-dir > SWITCHBOARD_HOME > the platform's app-data folder. */
export function resolveDataDir(sources: DataDirSources = {}): string {
  const env = sources.env ?? process.env;
  if (sources.flag) return path.resolve(sources.flag);
  if (env.SWITCHBOARD_HOME) return path.resolve(env.SWITCHBOARD_HOME);
  return platformAppDataDir(sources.platform ?? process.platform, sources.homedir ?? os.homedir(), env);
}

/** Where Electron's app.getPath('appData') points on each platform. */
export function platformAppDataDir(platform: NodeJS.Platform, home: string, env: NodeJS.ProcessEnv): string {
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', APP_DIR_NAME);
  if (platform === 'win32') {
    return path.win32.join(env.APPDATA ?? path.win32.join(home, 'AppData', 'Roaming'), APP_DIR_NAME);
  }
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), APP_DIR_NAME);
}

/** Well-known files inside the data directory. */
export function dataFiles(dataDir: string) {
  return {
    database: path.join(dataDir, 'switchboard.db'),
    bridgeToken: path.join(dataDir, 'bridge-token'),
    pidsFile: path.join(dataDir, 'upstream-pids.json'),
  };
}
