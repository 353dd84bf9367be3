import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/**
 * `<dataDir>/gateway.json` says where the running gateway listens, so `switchboard bridge` finds it
 * without opening the registry (the bridge runs inside AI clients, often before the hub starts). It
 * holds no secret.
 */

/** File name of the gateway info file inside the data directory. */
export const GATEWAY_INFO_FILE = 'gateway.json';

export const GatewayInfoSchema = z.object({
  port: z.number().int().min(1).max(65535),
  pid: z.number().int(),
  startedAt: z.string(),
});
export type GatewayInfo = z.output<typeof GatewayInfoSchema>;

/** Path of the gateway info file for a data directory. */
export function gatewayInfoPath(dataDir: string): string {
  return path.join(dataDir, GATEWAY_INFO_FILE);
}

/** Writes the info file atomically (temp file + rename), so a reader never sees half of it. */
export function writeGatewayInfo(file: string, info: GatewayInfo): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, JSON.stringify(info) + '\n', { mode: 0o600 });
  fs.renameSync(temp, file);
}

/** The info of the last gateway started from this data directory; undefined when absent or unreadable. */
export function readGatewayInfo(file: string): GatewayInfo | undefined {
  try {
    const parsed = GatewayInfoSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Removes the info file if it still describes process `pid` (a newer gateway may have replaced it). */
export function removeGatewayInfo(file: string, pid: number): void {
  if (readGatewayInfo(file)?.pid === pid) fs.rmSync(file, { force: true });
}
