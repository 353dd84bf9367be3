import { isDeepStrictEqual } from 'node:util';
import type { Node } from 'jsonc-parser';
import type {
  ClientAdapter,
  ClientId,
  ConfigLocation,
  ConfigPathContext,
  EntryStatus,
  ImportedServer,
} from './client-adapter.ts';
import { unreadableConfig } from './config-errors.ts';
import { detectFromLocations } from './detect-client.ts';
import {
  collapseEmptyObject,
  createDocument,
  hasComments,
  insertProperty,
  keyOf,
  nodeAt,
  parseJsonDocument,
  propertiesOf,
  removeProperty,
  reparse,
  replaceValue,
  valueOf,
  type JsonDialect,
  type JsonDocument,
  type JsonFormat,
} from './json-edit.ts';
import type { SwitchboardEntry } from './switchboard-entry.ts';
import { isObject } from './json-values.ts';
import { detectEol, detectIndent, lineColumn } from './text-format.ts';

/** Everything that differs between the JSON-based clients; the editing rules are shared. */
export interface JsonClientSpec {
  id: ClientId;
  displayName: string;
  supportsHttp: boolean;
  restartHint: string;
  dialect: JsonDialect;
  /** Key of the object holding servers: `mcpServers` for most, `servers` for VS Code. */
  containerKey: string;
  configPaths(ctx: ConfigPathContext): ConfigLocation[];
  /** Our entry in this client's vocabulary; throws VALIDATION when the client cannot take that kind. */
  toNative(entry: SwitchboardEntry): Record<string, unknown>;
  /** One server entry of the file, as Switchboard understands it. */
  fromNative(name: string, value: Record<string, unknown>): ImportedServer;
  /** Keys inside our entry that we manage; any other key a person added is kept on update. */
  ownedKeys: string[];
}

/** Builds a ClientAdapter for a client whose file is JSON or JSONC. */
export function createJsonClientAdapter(spec: JsonClientSpec): ClientAdapter {
  const container = [spec.containerKey];

  function parse(text: string, source: string | undefined): JsonDocument {
    const doc = parseJsonDocument(text, spec.dialect, source);
    const servers = nodeAt(doc.root, container);
    if (servers !== undefined && servers.type !== 'object') {
      throw unreadableConfig(
        source,
        `"${spec.containerKey}" must be an object of servers`,
        lineColumn(doc.body, servers.offset),
      );
    }
    return doc;
  }

  function owned(native: Record<string, unknown>): string[] {
    return [...new Set([...spec.ownedKeys, ...Object.keys(native)])];
  }

  function status(doc: JsonDocument, name: string, native: Record<string, unknown>): EntryStatus {
    const node = nodeAt(doc.root, [...container, name]);
    if (node === undefined) return 'absent';
    const current = valueOf(node);
    if (!isObject(current)) return 'outdated';
    return owned(native).every((key) => isDeepStrictEqual(current[key], native[key]))
      ? 'current'
      : 'outdated';
  }

  /** Adds an absent entry: the exact edit `removeEntry` knows how to undo. */
  function insertEntry(
    body: string,
    root: Node | undefined,
    format: JsonFormat,
    name: string,
    value: unknown,
  ): string {
    if (root === undefined) return createDocument([...container, name], value, format);
    const servers = nodeAt(root, container);
    if (servers === undefined)
      return insertProperty(body, root, spec.containerKey, { [name]: value }, format);
    return insertProperty(body, servers, name, value, format);
  }

  /** Updates owned keys of an existing entry one by one, so keys and comments a person added survive. */
  function updateEntry(doc: JsonDocument, name: string, native: Record<string, unknown>): string {
    let body = doc.body;
    for (const key of owned(native)) {
      const root = reparse(body);
      const entryNode = nodeAt(root, [...container, name]);
      if (entryNode === undefined) break;
      if (entryNode.type !== 'object') return replaceValue(body, entryNode, native, doc.format);
      const keyNode = nodeAt(entryNode, [key]);
      const wanted = native[key];
      if (wanted === undefined) {
        if (keyNode?.parent !== undefined) body = removeProperty(body, keyNode.parent);
      } else if (keyNode === undefined) {
        body = insertProperty(body, entryNode, key, wanted, doc.format);
      } else if (!isDeepStrictEqual(valueOf(keyNode), wanted)) {
        body = replaceValue(body, keyNode, wanted, doc.format);
      }
    }
    return body;
  }

  /** Texts the file may have had before our entry was added, most likely first (see removeEntry). */
  function originCandidates(body: string): string[] {
    const candidates: string[] = [];
    const root = reparse(body);
    const servers = nodeAt(root, container);
    if (root !== undefined && servers !== undefined && propertiesOf(servers).length === 0) {
      const containerProperty = servers.parent;
      if (containerProperty !== undefined) {
        const withoutContainer = removeProperty(body, containerProperty);
        const newRoot = reparse(withoutContainer);
        if (newRoot !== undefined && propertiesOf(newRoot).length === 0 && !hasComments(withoutContainer)) {
          candidates.push('');
        }
        if (newRoot !== undefined) candidates.push(collapseEmptyObject(withoutContainer, newRoot));
        candidates.push(withoutContainer);
      }
      candidates.push(collapseEmptyObject(body, servers));
    }
    candidates.push(body);
    return [...new Set(candidates)];
  }

  return {
    id: spec.id,
    displayName: spec.displayName,
    supportsHttp: spec.supportsHttp,
    restartHint: spec.restartHint,
    configPaths: (ctx) => spec.configPaths(ctx),
    detect: (fs, ctx) => detectFromLocations(spec.configPaths(ctx), fs),

    readServers(text, source) {
      const doc = parse(text, source);
      const servers = nodeAt(doc.root, container);
      if (servers === undefined) return [];
      return propertiesOf(servers).map((property) => {
        const name = keyOf(property);
        const valueNode = property.children?.[1];
        const value = valueNode === undefined ? undefined : valueOf(valueNode);
        if (!isObject(value)) return { name, transport: 'unsupported', reason: 'the entry is not an object' };
        return spec.fromNative(name, value);
      });
    },

    writeEntry(text, entry, source) {
      const doc = parse(text, source);
      const native = spec.toNative(entry);
      const current = status(doc, entry.name, native);
      if (current === 'current') return text;
      const body =
        current === 'absent'
          ? insertEntry(doc.body, doc.root, doc.format, entry.name, native)
          : updateEntry(doc, entry.name, native);
      return doc.bom + body;
    },

    removeEntry(text, name, source) {
      const doc = parse(text, source);
      const node = nodeAt(doc.root, [...container, name]);
      if (node?.parent === undefined) return text;
      const written = valueOf(node);
      const removed = removeProperty(doc.body, node.parent);
      const candidates = originCandidates(removed);
      // Adding an entry may also create the servers object or the whole document. Which of those happened
      // is not recorded anywhere, so replay the insertion on each candidate and keep the one that reproduces
      // the current text exactly: connect-then-disconnect gives back the original bytes.
      for (const candidate of candidates) {
        const format = { indent: detectIndent(candidate), eol: detectEol(candidate) };
        if (insertEntry(candidate, reparse(candidate), format, name, written) === doc.body) {
          return doc.bom + candidate;
        }
      }
      // Edited by hand since: drop only the entry (an emptied servers object becomes `{}`).
      const servers = nodeAt(reparse(removed), container);
      return doc.bom + (servers === undefined ? removed : collapseEmptyObject(removed, servers));
    },

    entryStatus(text, entry, source) {
      return status(parse(text, source), entry.name, spec.toNative(entry));
    },
  };
}
