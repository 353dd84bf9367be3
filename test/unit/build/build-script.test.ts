import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
// Inside the repository, so the bundles' external native modules resolve from its node_modules.
const OUT = path.join(ROOT, 'out', `test-build-${process.pid}`);
afterAll(() => fs.rmSync(OUT, { recursive: true, force: true }));

describe('build/scripts/build.ts (esbuild part)', () => {
  it('bundles main (ESM), the sandboxed preload (CJS) and the CLI, which runs under Node', async () => {
    // Imported by URL: build/ has its own tsconfig (build/tsconfig.json), outside the test project.
    const { buildAll } = (await import(pathToFileURL(path.join(ROOT, 'build/scripts/build.ts')).href)) as {
      buildAll(options: { outDir: string; renderer: boolean }): Promise<{ files: string[] }>;
    };
    const result = await buildAll({ outDir: OUT, renderer: false });
    for (const file of result.files) expect(fs.existsSync(file), file).toBe(true);

    const main = fs.readFileSync(path.join(OUT, 'main', 'index.js'), 'utf8');
    expect(main).toMatch(/from "electron"|from 'electron'/);
    expect(main).toMatch(/from "better-sqlite3"/);
    expect(JSON.parse(fs.readFileSync(path.join(OUT, 'main', 'package.json'), 'utf8'))).toEqual({
      type: 'module',
    });

    // The sandboxed preload may only require electron, and carries no schema library.
    const preload = fs.readFileSync(path.join(OUT, 'preload', 'index.cjs'), 'utf8');
    const requires = [...preload.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
    expect(new Set(requires)).toEqual(new Set(['electron']));
    expect(preload).toContain('exposeInMainWorld("switchboard"');
    expect(preload.length).toBeLessThan(10_000);

    // The CLI's entry is main/cli.ts alone (it turns the compile cache on before the chunks beside it load), and a
    // rebuild leaves no chunk of an earlier build behind.
    const cliFiles = () => fs.readdirSync(path.join(OUT, 'cli')).filter((f) => f.endsWith('.mjs'));
    expect(fs.readFileSync(path.join(OUT, 'cli', 'switchboard.mjs'), 'utf8')).toMatch(
      /enableCompileCache[\s\S]*import\("\.\/switchboard-program-[A-Z0-9]+\.mjs"\)/,
    );
    fs.writeFileSync(path.join(OUT, 'cli', 'switchboard-program-STALE000.mjs'), '');
    const { buildCliBundle } = (await import(
      pathToFileURL(path.join(ROOT, 'build/scripts/build.ts')).href
    )) as {
      buildCliBundle(outFile: string): Promise<string>;
    };
    const before = cliFiles().filter((f) => !f.includes('STALE'));
    await buildCliBundle(path.join(OUT, 'cli', 'switchboard.mjs'));
    expect(cliFiles().sort()).toEqual(before.sort());

    const help = execFileSync(process.execPath, [path.join(OUT, 'cli', 'switchboard.mjs'), '--help'], {
      encoding: 'utf8',
    });
    expect(help).toContain('Usage: switchboard');
    expect(help).toContain('bridge');
    const serveHelp = execFileSync(
      process.execPath,
      [path.join(OUT, 'cli', 'switchboard.mjs'), 'serve', '--help'],
      {
        encoding: 'utf8',
      },
    );
    expect(serveHelp).toContain('--ui');
  }, 120_000);
});
