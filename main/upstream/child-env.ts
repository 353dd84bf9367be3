/**
 * The environment a stdio upstream gets. Never the hub's whole process.env: that may carry the hub's own
 * secrets (tokens in CI, a passphrase, cloud credentials) which a third-party server has no business seeing.
 * Only a short list of variables programs need to run (home, user, locale, temp, terminal) is inherited, the
 * PATH comes from the login shell, and the definition's resolved variables are laid on top.
 */

/** Variables inherited from the hub on POSIX (plus every LC_* locale variable). */
export const POSIX_INHERITED = [
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'TERM',
  'LANG',
  'LANGUAGE',
  'TZ',
  'TMPDIR',
  'XDG_RUNTIME_DIR',
  'XDG_CONFIG_HOME',
  'XDG_CACHE_HOME',
  'XDG_DATA_HOME',
  // Docker Desktop / colima and ssh-agent sockets: `docker run` and git-over-ssh servers need them.
  'DOCKER_HOST',
  'SSH_AUTH_SOCK',
] as const;

/** Variables inherited from the hub on Windows (what programs and npx.cmd need to start at all). */
export const WINDOWS_INHERITED = [
  'APPDATA',
  'COMSPEC',
  'HOMEDRIVE',
  'HOMEPATH',
  'LOCALAPPDATA',
  'PATHEXT',
  'PROCESSOR_ARCHITECTURE',
  'PROGRAMDATA',
  'PROGRAMFILES',
  'PROGRAMFILES(X86)',
  'PROGRAMW6432',
  'SYSTEMDRIVE',
  'SYSTEMROOT',
  'TEMP',
  'TMP',
  'USERDOMAIN',
  'USERNAME',
  'USERPROFILE',
  'WINDIR',
] as const;

export interface ChildEnvInput {
  /** The definition's resolved variables (declared values + explicit env); they win over everything. */
  resolved: Record<string, string>;
  /** PATH from the login shell (resolveLoginShellEnv). */
  path: string;
  /** The hub's environment, read only for the inherited names. */
  processEnv: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
}

/** Builds the child's environment: inherited basics, the login-shell PATH, then the definition's variables. */
export function buildChildEnv(input: ChildEnvInput): Record<string, string> {
  const env: Record<string, string> = {};
  const windows = input.platform === 'win32';
  const wanted: readonly string[] = windows ? WINDOWS_INHERITED : POSIX_INHERITED;
  // Windows variable names are case-insensitive and arrive in any case (Path, SystemRoot).
  const lookup = windows ? caseInsensitive(input.processEnv) : (name: string) => input.processEnv[name];
  for (const name of wanted) {
    const value = lookup(name);
    // Bash exported functions ("() { …") are not values a child should inherit.
    if (value !== undefined && !value.startsWith('()')) env[name] = value;
  }
  if (!windows) {
    for (const [name, value] of Object.entries(input.processEnv)) {
      if (name.startsWith('LC_') && value !== undefined) env[name] = value;
    }
  }
  env[windows ? 'Path' : 'PATH'] = input.path;
  for (const [name, value] of Object.entries(input.resolved)) {
    if (windows && name.toUpperCase() === 'PATH') delete env.Path;
    env[name] = value;
  }
  return env;
}

function caseInsensitive(env: NodeJS.ProcessEnv): (name: string) => string | undefined {
  const upper = new Map<string, string>();
  for (const [k, v] of Object.entries(env))
    if (v !== undefined && !upper.has(k.toUpperCase())) upper.set(k.toUpperCase(), v);
  return (name) => upper.get(name.toUpperCase());
}
