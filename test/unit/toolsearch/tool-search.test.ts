import type { Tool } from '@modelcontextprotocol/client';
import { describe, expect, it } from 'vitest';
import {
  fullDefinition,
  oneLine,
  parameterList,
  toolCard,
  typeOf,
} from '../../../main/toolsearch/tool-cards.ts';
import {
  actionOf,
  intentOf,
  parameterDescriptions,
  toolKey,
} from '../../../main/toolsearch/tool-documents.ts';
import type { ToolGroup } from '../../../main/toolsearch/tool-index.ts';
import { createToolIndex, expandQuery } from '../../../main/toolsearch/tool-index.ts';
import { expansionsOf } from '../../../main/toolsearch/thesaurus.ts';
import { estimateTokens } from '../../../main/toolsearch/token-estimate.ts';
import { splitWords, valueWords, wordsOf } from '../../../main/toolsearch/words.ts';

const tool = (name: string, description: string, extra: Partial<Tool> = {}): Tool => ({
  name,
  description,
  inputSchema: { type: 'object' },
  ...extra,
});

const group = (prefix: string, tools: Tool[], fingerprint = '1', description?: string): ToolGroup => ({
  key: prefix,
  fingerprint,
  tools: tools.map((t) => ({
    id: toolKey(prefix, t.name),
    prefix,
    tool: t,
    server: { name: prefix, description },
  })),
});

describe('words', () => {
  it('splits on separators and camelCase humps, lowercases, drops stop words and one-letter words', () => {
    expect(splitWords('listPullRequests get_file-contents a.b:c/d HTTPServer')).toEqual([
      'list',
      'Pull',
      'Requests',
      'get',
      'file',
      'contents',
      'a',
      'b',
      'c',
      'd',
      'HTTP',
      'Server',
    ]);
    expect(wordsOf('Please show me the files in my Downloads folder x 2')).toEqual([
      'files',
      'downloads',
      'folder',
      '2',
    ]);
  });
});

describe('value words', () => {
  it('finds the words of quoted text and of names with / . @ : inside, not of words also used plainly', () => {
    expect([...valueWords("type 'yes' into the prompt")]).toEqual(['yes']);
    expect([...valueWords('list the open bugs in facebook/react')]).toEqual(['facebook', 'react']);
    expect([...valueWords('who wrote src/app.ts, and mail me@example.org')]).toEqual([
      'src',
      'app',
      'ts',
      'me',
      'example',
      'org',
    ]);
    expect([...valueWords("don't touch john's file")]).toEqual([]);
    expect([...valueWords('open the file "notes.txt" in the file viewer')]).toEqual(['notes', 'txt']);
  });

  it('weighs them last and looks none of them up in the thesaurus', () => {
    const { words, plain, expansions } = expandQuery('list the bugs in facebook/react');
    expect(words).toEqual(['list', 'bugs', 'facebook', 'react']);
    expect(plain).toBe(2);
    expect(expansions).not.toContain('reaction');
    expect(expandQuery('react to the message').expansions).toContain('reaction');
  });
});

describe('thesaurus', () => {
  it('expands single words and word pairs, and ignores Object.prototype names', () => {
    expect(expansionsOf(['make', 'a', 'folder'])).toEqual(['directory']);
    expect(expansionsOf(['above', 'sea', 'level'])).toEqual(['elevation']);
    expect(expansionsOf(['constructor', 'tostring', '__proto__'])).toEqual([]);
    expect(expandQuery('Rename the FOLDER').expansions).toEqual(['move', 'directory']);
  });
});

describe('tool documents', () => {
  it('collects nested parameter descriptions, not names', () => {
    expect(
      parameterDescriptions({
        type: 'object',
        properties: {
          path: { type: 'string', description: 'Where' },
          items: { type: 'array', items: { type: 'object', properties: { x: { description: 'Deep' } } } },
        },
      }),
    ).toEqual(['Where', 'Deep']);
  });

  it('classifies tools by the first verb of their name, read-only annotations first', () => {
    expect(actionOf({ name: 'TwilioApiV2010--ListMessage' })).toBe('read');
    expect(actionOf({ name: 'delete_issue' })).toBe('delete');
    expect(actionOf({ name: 'API-post-search' })).toBe('read');
    expect(actionOf({ name: 'API-post-page' })).toBe('write');
    expect(actionOf({ name: 'browser_close', annotations: { readOnlyHint: true } })).toBe('read');
    expect(actionOf({ name: 'sequentialthinking' })).toBe('other');
    expect(intentOf(['what', 'is', 'in', 'the', 'file'])).toEqual({
      readOnly: true,
      destructive: false,
      writeOnly: false,
    });
    expect(intentOf(['what', 'should', 'i', 'delete'])).toEqual({
      readOnly: false,
      destructive: true,
      writeOnly: false,
    });
    expect(intentOf(['add', 'a', 'note'])).toEqual({ readOnly: false, destructive: false, writeOnly: true });
  });
});

describe('the tool index', () => {
  const files = group('files', [
    tool('read_text_file', 'Read the complete contents of a file as text.'),
    tool('write_file', 'Create a new file or overwrite an existing file.'),
    tool('delete_file', 'Delete a file.'),
    tool('create_directory', 'Create a new directory.'),
  ]);
  const chat = group(
    'slack',
    [tool('post_message', 'Post a new message to a channel.')],
    '1',
    'Slack workspace',
  );

  it('finds tools from plain words, best first, within the limit and the filter', () => {
    const index = createToolIndex([files, chat]);
    expect(index.size).toBe(5);
    expect(index.search('make a folder called invoices')[0]?.id).toBe(toolKey('files', 'create_directory'));
    expect(index.search('send a message on slack')[0]?.id).toBe(toolKey('slack', 'post_message'));
    expect(index.search('file', { limit: 2 })).toHaveLength(2);
    const onlyChat = index.search('file message', { filter: (id) => id.startsWith('slack\0') });
    expect(onlyChat.map((h) => h.id)).toEqual([toolKey('slack', 'post_message')]);
    expect(index.search('the of and')).toEqual([]);
  });

  it('demotes a deleting tool unless the task asks to delete, and writing tools for a question', () => {
    const index = createToolIndex([files]);
    expect(index.search('what is in the file notes.txt')[0]?.id).toBe(toolKey('files', 'read_text_file'));
    expect(index.search('remove the file notes.txt')[0]?.id).toBe(toolKey('files', 'delete_file'));
  });

  it('demotes a reading tool for a task that only asks to change something', () => {
    const notes = group('notes', [
      tool('get_note', 'Get the note of an issue: the note text and the note author.'),
      tool('create_note', 'Create a note on an issue.'),
    ]);
    const index = createToolIndex([notes]);
    expect(index.search('add a note to issue 7')[0]?.id).toBe(toolKey('notes', 'create_note'));
    expect(index.search('which note is on issue 7')[0]?.id).toBe(toolKey('notes', 'get_note'));
  });

  it('re-indexes only groups whose fingerprint moved, and drops missing ones', () => {
    const index = createToolIndex([files, chat]);
    index.sync([files, group('slack', [tool('list_channels', 'List the channels.')], '2')]);
    expect(index.size).toBe(5);
    expect(index.search('post a message').some((h) => h.id === toolKey('slack', 'post_message'))).toBe(false);
    expect(index.search('list the channels')[0]?.id).toBe(toolKey('slack', 'list_channels'));
    index.sync([chat]);
    expect(index.size).toBe(1);
    expect(index.search('read a file')).toEqual([]);
  });
});

describe('tool cards', () => {
  it('shows a tool on one line: exposed name, first sentence, parameters (required first)', () => {
    const t = tool('read', 'Read a file.\nIt returns text.', {
      inputSchema: {
        type: 'object',
        properties: {
          head: { type: 'number' },
          path: { type: 'string' },
          mode: { enum: ['a', 'b'] },
          tags: { type: 'array', items: { type: 'string' } },
        },
        required: ['path'],
      },
    });
    expect(toolCard('files__read', t)).toBe(
      'files__read — Read a file. (path: string, head?: number, mode?: "a"|"b", tags?: string[])',
    );
    expect(oneLine('x'.repeat(300))).toHaveLength(160);
    expect(typeOf({ anyOf: [{ type: 'string' }, { type: 'null' }] })).toBe('string');
    expect(parameterList(undefined)).toBe('');
    expect(fullDefinition('files__read', t)).toMatchObject({
      name: 'files__read',
      description: t.description,
    });
    expect(estimateTokens({ tools: [] })).toBe(Math.ceil('{"tools":[]}'.length / 4));
  });
});
