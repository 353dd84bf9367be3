import type { ClientDetection, ConfigLocation, FsLike } from './client-adapter.ts';

/**
 * Detection shared by every client: installed when a user-scope file or marker exists. Markers matter because
 * a freshly installed client often has its folder but no MCP file yet, and connecting should create it there.
 */
export async function detectFromLocations(locations: ConfigLocation[], fs: FsLike): Promise<ClientDetection> {
  const user = locations.filter((l) => l.scope === 'user');
  const first = user[0];
  if (first === undefined) throw new Error('a client must have at least one user-scope location');
  for (const location of user) {
    if (await fs.exists(location.path))
      return { installed: true, configPath: location.path, configExists: true };
  }
  for (const location of user) {
    for (const marker of location.markers) {
      if (await fs.exists(marker)) return { installed: true, configPath: location.path, configExists: false };
    }
  }
  return { installed: false, configPath: first.path, configExists: false };
}
