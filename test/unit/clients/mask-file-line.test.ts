import { describe, expect, it } from 'vitest';
import { maskFileLine } from '../../../main/clients/mask-file-line.ts';

/** What the connect preview may show of a line of a person's client file. */
describe('maskFileLine', () => {
  const cases: [string, string, string][] = [
    ['a JSON credential key', '"GITHUB_TOKEN": "ghp_short"', '"GITHUB_TOKEN": "••••"'],
    ['a TOML credential key', 'api_key = "abc"', 'api_key = "••••"'],
    ['a bare bearer value', '"x-extra": "Bearer abc.def"', '"x-extra": "Bearer ••••"'],
    ['a Switchboard token anywhere', '"--token=sbt_abc-DEF_123"', '"--token=sbt_••••"'],
    [
      'a long run of letters and digits',
      '"args": ["--key", "k3yABCDEFGHIJKLMNOPQRSTUVWX"]',
      '"args": ["--key", "••••"]',
    ],
  ];
  for (const [what, line, shown] of cases) it(`masks ${what}`, () => expect(maskFileLine(line)).toBe(shown));

  it('keeps what is not a credential: URLs, paths, names, punctuation', () => {
    for (const line of [
      '"serverUrl": "http://127.0.0.1:17517/mcp",',
      '"command": "/home/person/.local/share/switchboard/runtime/node",',
      '"args": ["-y", "@modelcontextprotocol/server-filesystem", "/home/person/Documents"]',
      '    },',
      '"description": "averyveryverylongwordwithoutdigitsatall"',
    ])
      expect(maskFileLine(line)).toBe(line);
  });

  it('shows placeholders as they are and masks around them; known secrets go first', () => {
    const placeholder = '<new-token-made-when-you-connect>';
    const line = `{"gh":{"env":{"PAT":"secret-value"}}, "h":{"Authorization":"Bearer ${placeholder}"}}`;
    const shown = maskFileLine(line, [placeholder], (text) => text.replaceAll('secret-value', '[R]'));
    expect(shown).toBe(`{"gh":{"env":{"PAT":"[R]"}}, "h":{"Authorization":"Bearer ${placeholder}"}}`);
  });
});
