import { describe, expect, it } from 'vitest';
import {
  escapeArgument,
  planWindowsSpawn,
  resolveWindowsCommand,
} from '../../../main/upstream/windows-command.ts';

const files = new Set([
  'c:\\program files\\nodejs\\npx.cmd',
  'c:\\program files\\nodejs\\node.exe',
  'c:\\proj\\node_modules\\.bin\\tool.cmd',
  'c:\\tools\\server.bat',
]);
const lookup = {
  path: 'C:\\Program Files\\nodejs;"C:\\tools"',
  pathExt: '.COM;.EXE;.BAT;.CMD',
  comspec: 'C:\\Windows\\system32\\cmd.exe',
  cwd: 'C:\\proj',
  isFile: (p: string) => files.has(p.toLowerCase()),
};

describe('resolveWindowsCommand', () => {
  it('finds commands through PATH and PATHEXT', () => {
    expect(resolveWindowsCommand('npx', lookup)?.toLowerCase()).toBe('c:\\program files\\nodejs\\npx.cmd');
    expect(resolveWindowsCommand('node', lookup)?.toLowerCase()).toBe('c:\\program files\\nodejs\\node.exe');
    expect(resolveWindowsCommand('server', lookup)?.toLowerCase()).toBe('c:\\tools\\server.bat');
  });

  it('resolves relative paths against the working folder', () => {
    expect(resolveWindowsCommand('node_modules\\.bin\\tool', lookup)?.toLowerCase()).toBe(
      'c:\\proj\\node_modules\\.bin\\tool.cmd',
    );
  });

  it('returns undefined for unknown commands', () => {
    expect(resolveWindowsCommand('uvx', lookup)).toBeUndefined();
  });
});

describe('planWindowsSpawn', () => {
  it('runs executables directly', () => {
    const plan = planWindowsSpawn('node', ['server.js'], lookup);
    expect(plan.file.toLowerCase()).toBe('c:\\program files\\nodejs\\node.exe');
    expect(plan.args).toEqual(['server.js']);
    expect(plan.windowsVerbatimArguments).toBe(false);
  });

  it('runs batch files through cmd.exe with quoted, escaped arguments', () => {
    const plan = planWindowsSpawn('npx', ['-y', '@scope/pkg', 'a b', 'x&y'], lookup);
    expect(plan.file).toBe('C:\\Windows\\system32\\cmd.exe');
    expect(plan.windowsVerbatimArguments).toBe(true);
    expect(plan.args.slice(0, 3)).toEqual(['/d', '/s', '/c']);
    const line = plan.args[3] as string;
    expect(line.startsWith('"C:\\Program^ Files\\nodejs\\npx.cmd ')).toBe(true);
    expect(line).toContain('^"-y^"');
    expect(line).toContain('^"a^ b^"');
    expect(line).toContain('^"x^&y^"');
  });

  it('escapes metacharacters twice for npm .cmd shims', () => {
    const plan = planWindowsSpawn('node_modules\\.bin\\tool', ['a&b'], lookup);
    expect(plan.args[3]).toContain('^^^"a^^^&b^^^"');
  });

  it('leaves unknown commands to spawn (which reports ENOENT)', () => {
    expect(planWindowsSpawn('missing', ['x'], lookup)).toEqual({
      file: 'missing',
      args: ['x'],
      windowsVerbatimArguments: false,
    });
  });
});

describe('escapeArgument', () => {
  it('doubles backslashes before quotes and at the end', () => {
    expect(escapeArgument('a\\"b', false)).toBe('^"a\\\\\\^"b^"');
    expect(escapeArgument('dir\\', false)).toBe('^"dir\\\\^"');
  });

  it('quotes empty arguments', () => {
    expect(escapeArgument('', false)).toBe('^"^"');
  });
});
