import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DefinitionIssue } from '../../../preload/contract/server-definition.ts';
import { formatIssuePath } from '../../../preload/contract/server-definition.ts';
import type { SwitchboardError } from '../../../main/lib/errors.ts';
import type { RegistryDatabase } from '../../../main/registry/database.ts';
import { openDatabase } from '../../../main/registry/database.ts';
import type { ServerRepository } from '../../../main/registry/server-repository.ts';
import { createServerRepository, toDefinition } from '../../../main/registry/server-repository.ts';
import type { FakeClock } from '../../fixtures/registry/temp-registry.ts';
import {
  createFakeClock,
  remoteDefinition,
  removeTempDirs,
  stdioDefinition,
  tempDatabaseFile,
  thrown,
} from '../../fixtures/registry/temp-registry.ts';

let database: RegistryDatabase;
let servers: ServerRepository;
let clock: FakeClock;

const T0 = '2026-01-02T03:04:05.000Z';

beforeEach(() => {
  clock = createFakeClock();
  database = openDatabase({ file: tempDatabaseFile('servers'), clock });
  servers = createServerRepository(database, { clock });
});

afterEach(() => {
  database.close();
  removeTempDirs();
});

function issuePaths(error: SwitchboardError): string[] {
  return (error.details as { issues: DefinitionIssue[] }).issues.map((i) => formatIssuePath(i.path));
}

describe('round trip', () => {
  it('adds a stdio server with defaults filled and timestamps from the clock', () => {
    const stored = servers.add(stdioDefinition('files'));
    expect(stored).toEqual({
      id: 1,
      prefix: 'files',
      name: 'Server files',
      transport: 'stdio',
      command: 'npx',
      args: ['-y', 'some-mcp-server'],
      env: {},
      envVars: [],
      enabled: true,
      keepRunning: false,
      createdAt: T0,
      updatedAt: T0,
    });
    expect(servers.get('files')).toEqual(stored);
    expect(servers.find('files')).toEqual(stored);
  });

  it('adds a remote server', () => {
    const stored = servers.add(
      remoteDefinition('remote', {
        transport: 'sse',
        headers: { Authorization: 'Bearer ${TOKEN}', 'X-Team': 'blue' },
        envVars: [{ name: 'TOKEN', description: 'API token' }],
      }),
    );
    expect(stored).toMatchObject({
      transport: 'sse',
      url: 'https://mcp.example.com/mcp',
      headers: { Authorization: 'Bearer ${TOKEN}', 'X-Team': 'blue' },
      envVars: [{ name: 'TOKEN', description: 'API token', required: true, secret: true }],
    });
    expect(servers.get('remote')).toEqual(stored);
  });

  it('lists servers by prefix', () => {
    servers.add(stdioDefinition('zeta'));
    servers.add(remoteDefinition('alpha'));
    servers.add(stdioDefinition('mid'));
    expect(servers.list().map((s) => s.prefix)).toEqual(['alpha', 'mid', 'zeta']);
    expect(servers.listWithProblems().problems).toEqual([]);
  });

  it('updates a server, keeping createdAt and moving updatedAt', () => {
    servers.add(stdioDefinition('files'));
    clock.advance(60_000);
    const updated = servers.update(
      'files',
      stdioDefinition('files', { args: ['--root', '/tmp'], keepRunning: true }),
    );
    expect(updated).toMatchObject({ args: ['--root', '/tmp'], keepRunning: true, createdAt: T0 });
    expect(updated.updatedAt).toBe('2026-01-02T03:05:05.000Z');
    expect(servers.get('files')).toEqual(updated);
  });

  it('can change the transport on update', () => {
    servers.add(stdioDefinition('svc'));
    const updated = servers.update('svc', remoteDefinition('svc'));
    expect(updated.transport).toBe('http');
    expect(servers.get('svc')).not.toHaveProperty('command');
  });

  it('renames on update, and refuses a rename onto a taken prefix', () => {
    servers.add(stdioDefinition('old'));
    servers.add(stdioDefinition('other'));
    const id = servers.idOf('old');
    servers.update('old', stdioDefinition('new'));
    expect(servers.find('old')).toBeUndefined();
    expect(servers.idOf('new')).toBe(id);

    const error = thrown(() => servers.update('new', stdioDefinition('other')));
    expect(error.code).toBe('CONFLICT');
    expect(error.message).toContain('"other"');
    expect(servers.get('new').prefix).toBe('new');
  });

  it('keeps the enabled state when an update does not mention it', () => {
    servers.add(stdioDefinition('files', { enabled: false }));
    expect(servers.update('files', stdioDefinition('files', { name: 'Renamed' })).enabled).toBe(false);
    expect(servers.update('files', stdioDefinition('files', { enabled: true })).enabled).toBe(true);
  });

  it('accepts an edited stored server back through toDefinition', () => {
    const stored = servers.add(stdioDefinition('files'));
    const updated = servers.update('files', { ...toDefinition(stored), name: 'Edited' });
    expect(updated.name).toBe('Edited');
  });

  it('switches servers on and off', () => {
    servers.add(stdioDefinition('files'));
    clock.advance(1000);
    const off = servers.setEnabled('files', false);
    expect(off.enabled).toBe(false);
    expect(off.updatedAt).toBe('2026-01-02T03:04:06.000Z');
    expect(servers.get('files').enabled).toBe(false);
    expect(servers.setEnabled('files', true).enabled).toBe(true);
    expect(thrown(() => servers.setEnabled('nope', true)).code).toBe('NOT_FOUND');
  });

  it('removes servers; absent ones are NOT_FOUND', () => {
    servers.add(stdioDefinition('files'));
    servers.remove('files');
    expect(servers.find('files')).toBeUndefined();
    expect(servers.list()).toEqual([]);
    for (const op of [
      () => servers.get('files'),
      () => servers.remove('files'),
      () => servers.update('files', stdioDefinition('files')),
      () => servers.idOf('files'),
    ]) {
      const error = thrown(op);
      expect(error.code).toBe('NOT_FOUND');
      expect(error.message).toContain('"files"');
    }
  });

  it('never reuses the id of a removed server', () => {
    servers.add(stdioDefinition('a'));
    const first = servers.idOf('a');
    servers.remove('a');
    servers.add(stdioDefinition('a'));
    expect(servers.idOf('a')).toBeGreaterThan(first);
  });
});

describe('invalid definitions', () => {
  const longPrefix = 'a'.repeat(25);
  // [label, input, field path that must be named, optional extra text the message must contain]
  const cases: [string, unknown, string, string?][] = [
    ['uppercase prefix', stdioDefinition('Files'), 'prefix', 'lowercase'],
    ['prefix too long', stdioDefinition(longPrefix), 'prefix', 'at most 24'],
    ['prefix containing "__"', stdioDefinition('my__files'), 'prefix', '"__"'],
    ['prefix ending with "-"', stdioDefinition('files-'), 'prefix', 'must not end'],
    ['prefix ending with "_"', stdioDefinition('files_'), 'prefix', 'must not end'],
    ['empty prefix', stdioDefinition(''), 'prefix', 'is required'],
    ['missing prefix', { name: 'x', transport: 'stdio', command: 'npx' }, 'prefix', 'is required'],
    ['prefix with a space', stdioDefinition('my files'), 'prefix'],
    ['missing command', { prefix: 'files', name: 'Files', transport: 'stdio' }, 'command', 'is required'],
    ['empty command', stdioDefinition('files', { command: '   ' }), 'command', 'is required'],
    ['missing name', { prefix: 'files', transport: 'stdio', command: 'npx' }, 'name', 'is required'],
    ['ftp URL', remoteDefinition('remote', { url: 'ftp://example.com/mcp' }), 'url', 'http://'],
    ['javascript: URL', remoteDefinition('remote', { url: 'javascript:alert(1)' }), 'url', 'http://'],
    ['garbage URL', remoteDefinition('remote', { url: 'not a url at all' }), 'url', 'http://'],
    ['missing URL', { prefix: 'remote', name: 'R', transport: 'http' }, 'url', 'is required'],
    [
      'URL with user:pass',
      remoteDefinition('remote', { url: 'https://me:hunter2@example.com/mcp' }),
      'url',
      'password',
    ],
    [
      'bad header name',
      remoteDefinition('remote', { headers: { 'X Bad': 'v' } }),
      'headers.X Bad',
      'header name "X Bad"',
    ],
    [
      'header name with a colon',
      remoteDefinition('remote', { headers: { 'X:Y': 'v' } }),
      'headers.X:Y',
      '"X:Y"',
    ],
    [
      'header value with CRLF',
      remoteDefinition('remote', { headers: { 'X-Trace': 'a\r\nInjected: b' } }),
      'headers.X-Trace',
      'line breaks',
    ],
    [
      'literal Authorization header',
      remoteDefinition('remote', { headers: { Authorization: 'Bearer abc123' } }),
      'headers.Authorization',
      'secret variable',
    ],
    [
      'literal x-api-key header',
      remoteDefinition('remote', { headers: { 'x-api-key': 'abc123' } }),
      'headers.x-api-key',
      'credential',
    ],
    [
      'bad env name in env',
      stdioDefinition('files', { env: { '1BAD': 'v' } }),
      'env.1BAD',
      'environment variable name "1BAD"',
    ],
    ['env name with "-"', stdioDefinition('files', { env: { 'MY-VAR': 'v' } }), 'env.MY-VAR', '"MY-VAR"'],
    [
      'bad env name in envVars',
      stdioDefinition('files', { envVars: [{ name: 'MY VAR' }] }),
      'envVars.0.name',
    ],
    ['non-string env value', stdioDefinition('files', { env: { FOO: 42 } }), 'env.FOO'],
    [
      'undeclared ${VAR} in args',
      stdioDefinition('files', { args: ['--token', '${TOKEN}'] }),
      'args.1',
      '${TOKEN}',
    ],
    ['undeclared ${VAR} in env', stdioDefinition('files', { env: { API: '${KEY}' } }), 'env.API', '${KEY}'],
    [
      'undeclared ${VAR} in a header',
      remoteDefinition('remote', { headers: { Authorization: 'Bearer ${T}' } }),
      'headers.Authorization',
      '${T}',
    ],
    [
      'undeclared ${VAR} in the URL',
      remoteDefinition('remote', { url: 'https://x.example/${TEAM}/mcp' }),
      'url',
      '${TEAM}',
    ],
    [
      'duplicate env var spec',
      stdioDefinition('files', { envVars: [{ name: 'A' }, { name: 'A', secret: false }] }),
      'envVars.1.name',
      'twice',
    ],
    [
      'secret with a default',
      stdioDefinition('files', { envVars: [{ name: 'A', default: 'x' }] }),
      'envVars.0.default',
      'secret',
    ],
    [
      'unknown field in an env var spec',
      stdioDefinition('files', { envVars: [{ name: 'A', colour: 'red' }] }),
      'envVars.0.colour',
      'not a known field',
    ],
    [
      'unknown transport',
      stdioDefinition('files', { transport: 'websocket' }),
      'transport',
      '"stdio", "http" or "sse"',
    ],
    ['missing transport', { prefix: 'files', name: 'Files', command: 'npx' }, 'transport', 'is required'],
    ['unknown extra field', stdioDefinition('files', { bogus: 1 }), 'bogus', 'not a known field'],
    [
      'url on a stdio server',
      stdioDefinition('files', { url: 'https://x.example' }),
      'url',
      'not a known field',
    ],
    [
      'command on a remote server',
      remoteDefinition('remote', { command: 'npx' }),
      'command',
      'not a known field',
    ],
    ['relative cwd', stdioDefinition('files', { cwd: 'src/server' }), 'cwd', 'absolute path'],
    ['enabled not a boolean', stdioDefinition('files', { enabled: 'yes' }), 'enabled'],
    ['args not an array', stdioDefinition('files', { args: '--root /' }), 'args'],
    ['not an object', null, '(definition)', 'must be an object'],
    // Issue 12 item 10 / item 3: a credential written straight into the definition is stored in plain text,
    // exported, and (in args) shown by `ps` to every local user.
    [
      'a GitHub token as an env value',
      stdioDefinition('files', { env: { GITHUB_TOKEN: 'ghp_' + 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8' } }),
      'env.GITHUB_TOKEN',
      'secret set files GITHUB_TOKEN',
    ],
    [
      'a database URL with a password in args',
      stdioDefinition('files', { args: ['--url', 'redis://user:hunter22@localhost:6379/0'] }),
      'args.1',
      'looks like a credential',
    ],
    [
      'a Slack token in a header',
      remoteDefinition('remote', { headers: { 'X-Slack': 'xoxb-1234567890-abcdefghijkl' } }),
      'headers.X-Slack',
      'looks like a credential',
    ],
    ['an array', [stdioDefinition('files')], '(definition)', 'must be an object'],
  ];

  it('has at least 20 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
  });

  it.each(cases)('rejects %s, naming the field', (_label, input, field, says) => {
    const error = thrown(() => servers.add(input));
    expect(error.code).toBe('VALIDATION');
    expect(issuePaths(error)).toContain(field);
    expect(error.message).toContain(`${field}: `);
    if (says) expect(error.message).toContain(says);
    expect(servers.list()).toEqual([]);
  });

  it('rejects the same invalid input on update and leaves the stored server alone', () => {
    const stored = servers.add(stdioDefinition('files'));
    const error = thrown(() => servers.update('files', stdioDefinition('files', { cwd: 'relative' })));
    expect(error.code).toBe('VALIDATION');
    expect(issuePaths(error)).toEqual(['cwd']);
    expect(servers.get('files')).toEqual(stored);
  });

  it('lists every problem of a definition, one line each', () => {
    const error = thrown(() =>
      servers.add(
        remoteDefinition('Bad__', { url: 'ftp://x', headers: { Authorization: 'literal' }, extra: true }),
      ),
    );
    expect([...new Set(issuePaths(error))].sort()).toEqual([
      'extra',
      'headers.Authorization',
      'prefix',
      'url',
    ]);
    expect(error.message.split('\n').length).toBe(1 + issuePaths(error).length);
  });

  it('rejects a duplicate prefix with CONFLICT naming the prefix', () => {
    servers.add(stdioDefinition('files'));
    const error = thrown(() => servers.add(remoteDefinition('files')));
    expect(error.code).toBe('CONFLICT');
    expect(error.message).toContain('prefix: "files" is already used');
    expect(issuePaths(error)).toEqual(['prefix']);
    expect(servers.list()).toHaveLength(1);
  });
});

describe('rows that do not parse on the way out', () => {
  function insertRaw(prefix: string, definition: string): void {
    database.connection
      .prepare(
        "INSERT INTO servers (prefix, enabled, definition, created_at, updated_at) VALUES (?, 1, ?, 'x', 'x')",
      )
      .run(prefix, definition);
  }

  beforeEach(() => {
    servers.add(stdioDefinition('good'));
    servers.add(stdioDefinition('fine'));
    insertRaw('nocommand', JSON.stringify({ name: 'No command', transport: 'stdio' }));
    insertRaw('Upper', JSON.stringify({ name: 'Bad prefix column', transport: 'stdio', command: 'x' }));
    // The CHECK constraint refuses non-JSON, so simulate a hand edit that got through an older schema.
    database.connection.pragma('ignore_check_constraints = ON');
    insertRaw('notjson', '{ this is not json');
    database.connection
      .prepare(
        "INSERT INTO servers (prefix, enabled, definition, created_at, updated_at) VALUES ('badflag', 2, '{}', 'x', 'x')",
      )
      .run();
    database.connection.pragma('ignore_check_constraints = OFF');
  });

  it('does not break list(): the good ones are returned', () => {
    const { list } = servers; // also works detached from the repository object
    expect(list().map((s) => s.prefix)).toEqual(['fine', 'good']);
  });

  it('reports the bad ones as DB_ERROR naming the prefix', () => {
    const { servers: good, problems } = servers.listWithProblems();
    expect(good.map((s) => s.prefix)).toEqual(['fine', 'good']);
    expect(problems.map((p) => p.prefix).sort()).toEqual(['Upper', 'badflag', 'nocommand', 'notjson']);
    for (const problem of problems) {
      expect(problem.error.code).toBe('DB_ERROR');
      expect(problem.error.message).toContain(`"${problem.prefix}"`);
    }
    const nocommand = problems.find((p) => p.prefix === 'nocommand')!;
    expect(nocommand.error.message).toContain('command: is required');
  });

  it('get and find throw DB_ERROR for a bad row', () => {
    expect(thrown(() => servers.get('nocommand')).code).toBe('DB_ERROR');
    expect(thrown(() => servers.find('notjson')).code).toBe('DB_ERROR');
    expect(thrown(() => servers.setEnabled('notjson', false)).code).toBe('DB_ERROR');
  });

  it('can still remove a bad row', () => {
    servers.remove('notjson');
    servers.remove('nocommand');
    servers.remove('Upper');
    servers.remove('badflag');
    expect(servers.listWithProblems().problems).toEqual([]);
  });
});

describe('non-secret env values', () => {
  const withVars = () =>
    stdioDefinition('files', {
      args: ['--root', '${ROOT}', '--token', '${TOKEN}'],
      envVars: [
        { name: 'ROOT', secret: false, default: '/tmp' },
        { name: 'TOKEN' },
        { name: 'REGION', secret: false, required: false },
      ],
    });

  it('stores, lists and unsets values of declared non-secret variables', () => {
    servers.add(withVars());
    servers.setEnvValue('files', 'ROOT', '/home/me');
    servers.setEnvValue('files', 'REGION', 'eu');
    servers.setEnvValue('files', 'ROOT', '/srv');
    expect(servers.listEnvValues('files')).toEqual({ REGION: 'eu', ROOT: '/srv' });
    expect(servers.unsetEnvValue('files', 'REGION')).toBe(true);
    expect(servers.unsetEnvValue('files', 'REGION')).toBe(false);
    expect(servers.listEnvValues('files')).toEqual({ ROOT: '/srv' });
  });

  it('refuses secret, undeclared and malformed values', () => {
    servers.add(withVars());
    const secret = thrown(() => servers.setEnvValue('files', 'TOKEN', 'abc'));
    expect(secret.code).toBe('VALIDATION');
    expect(secret.message).toContain('secret');
    const undeclared = thrown(() => servers.setEnvValue('files', 'OTHER', 'x'));
    expect(undeclared.code).toBe('VALIDATION');
    expect(undeclared.message).toContain('"OTHER" is not a variable declared');
    expect(thrown(() => servers.setEnvValue('files', 'ROOT', 'a\0b')).code).toBe('VALIDATION');
    expect(thrown(() => servers.setEnvValue('files', 'ROOT', 'x'.repeat(40_000))).code).toBe('VALIDATION');
    expect(thrown(() => servers.setEnvValue('nope', 'ROOT', 'x')).code).toBe('NOT_FOUND');
    expect(thrown(() => servers.listEnvValues('nope')).code).toBe('NOT_FOUND');
    expect(servers.listEnvValues('files')).toEqual({});
  });

  it('keeps values per server', () => {
    servers.add(withVars());
    servers.add({ ...withVars(), prefix: 'other' });
    servers.setEnvValue('files', 'ROOT', '/a');
    servers.setEnvValue('other', 'ROOT', '/b');
    expect(servers.listEnvValues('files')).toEqual({ ROOT: '/a' });
    expect(servers.listEnvValues('other')).toEqual({ ROOT: '/b' });
  });

  it('drops values when the server is removed (cascade)', () => {
    servers.add(withVars());
    servers.setEnvValue('files', 'ROOT', '/a');
    servers.remove('files');
    expect(database.connection.prepare('SELECT count(*) FROM env_values').pluck().get()).toBe(0);
  });

  it('drops the plain value of a variable that became secret or disappeared', () => {
    servers.add(withVars());
    servers.setEnvValue('files', 'ROOT', '/a');
    servers.setEnvValue('files', 'REGION', 'eu');
    servers.update(
      'files',
      stdioDefinition('files', { args: ['${ROOT}'], envVars: [{ name: 'ROOT', secret: true }] }),
    );
    expect(servers.listEnvValues('files')).toEqual({});
  });

  it('keeps values across a rename', () => {
    servers.add(withVars());
    servers.setEnvValue('files', 'ROOT', '/a');
    servers.update('files', { ...withVars(), prefix: 'renamed' });
    expect(servers.listEnvValues('renamed')).toEqual({ ROOT: '/a' });
  });
});
