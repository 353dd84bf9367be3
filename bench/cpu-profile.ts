import fs from 'node:fs';
import path from 'node:path';

/**
 * Where a process spent its CPU: a V8 `.cpuprofile` (written by `node --cpu-prof`) folded into self time per
 * module — a package under node_modules, a file of ours (main/…), a Node built-in (node:internal/…, grouped by
 * subsystem), or one of V8's pseudo-frames ((garbage collector), (program)). Idle time is left out of the
 * shares: they are shares of the time the process was busy.
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface ProfileShare {
  name: string;
  selfMs: number;
  /** Share of busy time (0..1). */
  share: number;
}

export interface ProfileSummary {
  /** Wall time the profile covers. */
  totalMs: number;
  /** Non-idle time. */
  busyMs: number;
  modules: ProfileShare[];
  functions: ProfileShare[];
}

/** The module a frame belongs to, for grouping: `zod`, `@modelcontextprotocol/core`, `main/gateway/http/…`. */
export function moduleOf(url: string, functionName: string): string {
  if (url === '') {
    if (functionName.startsWith('(')) return functionName; // (garbage collector), (program), (idle), (root)
    return '(native)';
  }
  const file = url.startsWith('file://') ? decodeURIComponent(new URL(url).pathname) : url;
  const nm = file.lastIndexOf('/node_modules/');
  if (nm !== -1) {
    const rest = file.slice(nm + '/node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (file.startsWith('node:')) {
    // node:internal/webstreams/readablestream → node:internal/webstreams; node:http → node:http
    const parts = file.split('/');
    return parts[0] === 'node:internal' && parts.length > 2
      ? `${parts[0]}/${parts[1]}`
      : file.replace(/\.js$/, '');
  }
  for (const root of ['/main/', '/test/', '/bench/', '/out/']) {
    const at = file.lastIndexOf(root);
    if (at !== -1) return file.slice(at + 1);
  }
  return path.basename(file);
}

/** Folds a `.cpuprofile` into self time per module and per function (top `top` of each). */
export function summarizeCpuProfile(profile: CpuProfile, top = 15): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  // A native frame (writev, a hash, JSON.stringify's internals) is charged to the nearest JavaScript caller's
  // module, so "socket writes" show up under node:net and "token hashing" under ours.
  const callerModule = (id: number): string | undefined => {
    for (let at = parentOf.get(id); at !== undefined; at = parentOf.get(at)) {
      const frame = byId.get(at)!.callFrame;
      if (frame.url !== '') return moduleOf(frame.url, frame.functionName);
    }
    return undefined;
  };
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  // timeDeltas[i] is the time before sample i; attribute the time up to the NEXT sample to sample i.
  for (let i = 0; i < samples.length; i++) {
    const us = deltas[i + 1] ?? 0;
    selfUs.set(samples[i]!, (selfUs.get(samples[i]!) ?? 0) + Math.max(0, us));
  }
  const modules = new Map<string, number>();
  const functions = new Map<string, number>();
  let totalUs = 0;
  let idleUs = 0;
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)!.callFrame;
    totalUs += us;
    if (frame.functionName === '(idle)') {
      idleUs += us;
      continue;
    }
    let module = moduleOf(frame.url, frame.functionName);
    if (module === '(native)') module = callerModule(id) ?? module;
    modules.set(module, (modules.get(module) ?? 0) + us);
    const fn = `${frame.functionName || '(anonymous)'} ${frame.url ? `${module}:${frame.lineNumber + 1}` : `(native, from ${module})`}`;
    functions.set(fn, (functions.get(fn) ?? 0) + us);
  }
  const busyUs = totalUs - idleUs;
  const rank = (map: Map<string, number>): ProfileShare[] =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, selfMs: us / 1000, share: busyUs > 0 ? us / busyUs : 0 }));
  return {
    totalMs: totalUs / 1000,
    busyMs: busyUs / 1000,
    modules: rank(modules),
    functions: rank(functions),
  };
}

/** Reads the one `.cpuprofile` a `--cpu-prof-dir` holds (the newest when several) and summarizes it. */
export function summarizeProfileDir(dir: string, top = 15): ProfileSummary | undefined {
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => path.join(dir, f))
    .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
  if (files.length === 0) return undefined;
  if (process.env.SB_KEEP_CPU_PROFILE) fs.copyFileSync(files[0]!, process.env.SB_KEEP_CPU_PROFILE);
  return summarizeCpuProfile(JSON.parse(fs.readFileSync(files[0]!, 'utf8')) as CpuProfile, top);
}

/** A summary as plain text lines (for the bench's stderr and for side-by-side comparisons). */
export function formatProfileSummary(label: string, summary: ProfileSummary): string[] {
  const pct = (v: number) => `${(v * 100).toFixed(1).padStart(5)}%`;
  return [
    `${label}: busy ${summary.busyMs.toFixed(0)} ms of ${summary.totalMs.toFixed(0)} ms profiled`,
    ...summary.modules.map((m) => `  ${pct(m.share)}  ${m.selfMs.toFixed(0).padStart(6)} ms  ${m.name}`),
  ];
}
