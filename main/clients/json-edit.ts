import {
  createScanner,
  findNodeAtLocation,
  getNodeValue,
  parseTree,
  printParseErrorCode,
  type Node,
  type ParseError,
} from 'jsonc-parser';
import { unreadableConfig } from './config-errors.ts';
import { plainValue } from './json-values.ts';
import { detectEol, detectIndent, lineColumn, splitBom } from './text-format.ts';

/**
 * Surgical edits of JSON/JSONC text: insert, replace or remove one property and leave every other byte alone.
 *
 * jsonc-parser does the parsing (node offsets, comments, trailing commas), but its `modify` is not used for
 * writing: with formatting options it re-formats sibling entries (`{ "command": "x" }` becomes three lines),
 * and without them it inserts minified JSON. Here edits are computed from node offsets so that the file keeps
 * its own indentation, line endings, comments and trailing-comma style, and so that removing a property we
 * inserted restores the previous text exactly.
 */

/** Which JSON extensions a client's parser accepts; anything else in the file makes it unreadable. */
export interface JsonDialect {
  comments: boolean;
  trailingCommas: boolean;
  /** Who reads the file, for messages ("Claude Desktop"). */
  reader: string;
}

/** Indentation unit and line ending new text is written with. */
export interface JsonFormat {
  indent: string;
  eol: string;
}

export interface JsonDocument {
  bom: string;
  /** The text without its byte-order mark; all offsets refer to it. */
  body: string;
  /** Undefined for an empty (whitespace-only) file. */
  root: Node | undefined;
  format: JsonFormat;
}

/** Parses a client file with the client's own dialect; anything unparseable throws CLIENT_CONFIG_UNREADABLE. */
export function parseJsonDocument(text: string, dialect: JsonDialect, source?: string): JsonDocument {
  const { bom, body } = splitBom(text);
  const errors: ParseError[] = [];
  const root = parseTree(body, errors, {
    disallowComments: !dialect.comments,
    allowTrailingComma: dialect.trailingCommas,
    allowEmptyContent: true,
  });
  const first = errors[0];
  if (first !== undefined) {
    const problem = describeParseError(body, first, dialect);
    throw unreadableConfig(source, problem.message, lineColumn(body, problem.offset));
  }
  if (root !== undefined && root.type !== 'object') {
    throw unreadableConfig(source, 'the top level must be a JSON object', lineColumn(body, root.offset));
  }
  return { bom, body, root, format: { indent: detectIndent(body), eol: detectEol(body) } };
}

/** Re-parses text that is known to be valid (our own intermediate results), leniently. */
export function reparse(body: string): Node | undefined {
  return parseTree(body, [], { allowTrailingComma: true, allowEmptyContent: true });
}

/** The value node at a path, or undefined. */
export function nodeAt(root: Node | undefined, path: (string | number)[]): Node | undefined {
  return root === undefined ? undefined : findNodeAtLocation(root, path);
}

/** The plain value of a node. */
export function valueOf(node: Node): unknown {
  return plainValue(getNodeValue(node));
}

/** Properties of an object node, in file order. */
export function propertiesOf(object: Node): Node[] {
  return object.children ?? [];
}

/** The key of a property node. */
export function keyOf(property: Node): string {
  return String(property.children?.[0]?.value ?? '');
}

/** A complete new document holding `value` at `path` (for an empty or missing file). */
export function createDocument(path: string[], value: unknown, format: JsonFormat): string {
  let nested = value;
  for (const key of [...path].reverse()) nested = { [key]: nested };
  return render(nested, '', format) + format.eol;
}

/** Inserts `"key": value` as the last property of the object node, in the object's own layout. */
export function insertProperty(
  body: string,
  object: Node,
  key: string,
  value: unknown,
  format: JsonFormat,
): string {
  const props = propertiesOf(object);
  const open = object.offset;
  const close = object.offset + object.length - 1;
  const singleLine = !/[\r\n]/.test(body.slice(open, close));
  const keyText = `${JSON.stringify(key)}: `;
  const last = props[props.length - 1];

  if (last !== undefined) {
    const lastEnd = last.offset + last.length;
    const afterLast = skipTrivia(body, lastEnd, false);
    const trailingComma = body[afterLast] === ',';
    if (singleLine) {
      const inline = keyText + JSON.stringify(value);
      return trailingComma
        ? splice(body, afterLast + 1, afterLast + 1, ` ${inline},`)
        : splice(body, lastEnd, lastEnd, `, ${inline}`);
    }
    const memberIndent = indentOf(body, last.offset);
    const rendered = keyText + render(value, memberIndent, format);
    if (trailingComma) {
      const end = endOfLine(body, afterLast + 1);
      return splice(body, end, end, format.eol + memberIndent + rendered + ',');
    }
    const end = endOfLine(body, lastEnd);
    if (isLineBreakOrEnd(body, end)) {
      // The comma goes right after the value; the new property after any comment that ends the line.
      const withEntry = splice(body, end, end, format.eol + memberIndent + rendered);
      return splice(withEntry, lastEnd, lastEnd, ',');
    }
    return splice(body, lastEnd, lastEnd, ',' + format.eol + memberIndent + rendered);
  }

  const inner = body.slice(open + 1, close);
  if (!/[\r\n]/.test(inner)) {
    // `{}` or `{ /* note */ }` on one line: open it up like an ordinary multi-line object.
    const outerIndent = indentOf(body, open);
    const memberIndent = outerIndent + format.indent;
    const kept = inner.trim() === '' ? '' : ' ' + inner.trim();
    return splice(
      body,
      open + 1,
      close,
      kept +
        format.eol +
        memberIndent +
        keyText +
        render(value, memberIndent, format) +
        format.eol +
        outerIndent,
    );
  }
  // A multi-line empty object (maybe holding only comments): add a line just above the closing brace.
  const closeLineStart = lineStart(body, close);
  if (body.slice(closeLineStart, close).trim() === '') {
    const memberIndent = body.slice(closeLineStart, close) + format.indent;
    return splice(
      body,
      closeLineStart,
      closeLineStart,
      memberIndent + keyText + render(value, memberIndent, format) + format.eol,
    );
  }
  const memberIndent = indentOf(body, open) + format.indent;
  return splice(
    body,
    close,
    close,
    format.eol + memberIndent + keyText + render(value, memberIndent, format) + format.eol,
  );
}

/** Replaces a value node with `value`, indented like the property that holds it. */
export function replaceValue(body: string, valueNode: Node, value: unknown, format: JsonFormat): string {
  const holder = valueNode.parent?.type === 'property' ? valueNode.parent : valueNode;
  const base = indentOf(body, holder.offset);
  return splice(body, valueNode.offset, valueNode.offset + valueNode.length, render(value, base, format));
}

/** Removes a property node with its comma and its own line(s); neighbours and their comments stay. */
export function removeProperty(body: string, property: Node): string {
  const object = property.parent;
  if (object === undefined) return body;
  const props = propertiesOf(object);
  const index = props.indexOf(property);
  const start = property.offset;
  const end = property.offset + property.length;
  const afterEnd = skipTrivia(body, end, false);
  const commaAfter = body[afterEnd] === ',' ? afterEnd : -1;
  const singleLine = !/[\r\n]/.test(body.slice(object.offset, object.offset + object.length));
  const ownsLine = body.slice(lineStart(body, start), start).trim() === '';

  if (props.length === 1) {
    if (singleLine || !ownsLine) return splice(body, start, commaAfter >= 0 ? commaAfter + 1 : end, '');
    const lineEnd = endOfLine(body, commaAfter >= 0 ? commaAfter + 1 : end);
    return splice(body, lineStart(body, start), lineEnd + lineBreakLength(body, lineEnd), '');
  }

  const previous = props[index - 1];
  if (index === props.length - 1 && previous !== undefined) {
    const commaBefore = skipTrivia(body, previous.offset + previous.length, false);
    if (singleLine) {
      return commaAfter >= 0
        ? splice(body, commaBefore + 1, commaAfter + 1, '')
        : splice(body, commaBefore, end, '');
    }
    const previousLineEnd = endOfLine(body, commaBefore + 1);
    if (commaAfter >= 0) return splice(body, previousLineEnd, endOfLine(body, commaAfter + 1), '');
    if (previousLineEnd >= start) return splice(body, commaBefore, end, '');
    const withoutEntry = splice(body, previousLineEnd, end, '');
    return splice(withoutEntry, commaBefore, commaBefore + 1, '');
  }

  // Not the last property: take its own line(s) through its comma, or just the text up to the next key.
  if (!singleLine && ownsLine && commaAfter >= 0) {
    const lineEnd = endOfLine(body, commaAfter + 1);
    if (isLineBreakOrEnd(body, lineEnd)) {
      return splice(body, lineStart(body, start), lineEnd + lineBreakLength(body, lineEnd), '');
    }
  }
  const next = props[index + 1];
  return splice(body, start, next === undefined ? end : next.offset, '');
}

/** `{` + whitespace-only interior + `}` collapsed to `{}`; other objects unchanged. */
export function collapseEmptyObject(body: string, object: Node): string {
  if (propertiesOf(object).length > 0) return body;
  const open = object.offset;
  const close = object.offset + object.length - 1;
  if (body.slice(open + 1, close).trim() !== '') return body;
  return splice(body, open + 1, close, '');
}

/** Renders a value as JSON in the file's indentation, continuation lines starting at `baseIndent`. */
export function render(value: unknown, baseIndent: string, format: JsonFormat): string {
  return JSON.stringify(value, null, format.indent)
    .split('\n')
    .join(format.eol + baseIndent);
}

/** Whether the document text contains any comment (an empty-looking file with comments is not empty). */
export function hasComments(body: string): boolean {
  let i = 0;
  while (i < body.length) {
    const ch = body[i];
    if (ch === '"') {
      i = skipString(body, i);
      continue;
    }
    if (ch === '/' && (body[i + 1] === '/' || body[i + 1] === '*')) return true;
    i++;
  }
  return false;
}

function describeParseError(
  body: string,
  error: ParseError,
  dialect: JsonDialect,
): { message: string; offset: number } {
  const name = printParseErrorCode(error.error);
  if (name === 'InvalidCommentToken') {
    return {
      message: `comments are not allowed (${dialect.reader} reads this file as plain JSON)`,
      offset: error.offset,
    };
  }
  if ((name === 'PropertyNameExpected' || name === 'ValueExpected') && !dialect.trailingCommas) {
    const previous = previousToken(body, error.offset);
    if (previous?.text === ',' && /^[}\]]/.test(body.slice(error.offset))) {
      return {
        message: `a trailing comma is not allowed (${dialect.reader} rejects it)`,
        offset: previous.offset,
      };
    }
  }
  const messages: Record<string, string> = {
    InvalidSymbol: 'unexpected character',
    InvalidNumberFormat: 'invalid number',
    PropertyNameExpected: 'a property name was expected',
    ValueExpected: 'a value was expected',
    ColonExpected: 'a colon was expected',
    CommaExpected: 'a comma was expected',
    CloseBraceExpected: 'a closing brace was expected',
    CloseBracketExpected: 'a closing bracket was expected',
    EndOfFileExpected: 'unexpected text after the end of the JSON value',
    UnexpectedEndOfComment: 'a comment is not closed',
    UnexpectedEndOfString: 'a string is not closed',
    UnexpectedEndOfNumber: 'a number is cut short',
    InvalidUnicode: 'invalid unicode escape',
    InvalidEscapeCharacter: 'invalid escape character',
    InvalidCharacter: 'invalid character in a string',
  };
  return { message: `invalid JSON: ${messages[name] ?? name}`, offset: error.offset };
}

/** The last token (comments and whitespace skipped) that starts before `offset`. */
function previousToken(body: string, offset: number): { text: string; offset: number } | undefined {
  const scanner = createScanner(body, true);
  let previous: { text: string; offset: number } | undefined;
  for (;;) {
    scanner.scan();
    const start = scanner.getTokenOffset();
    if (start >= offset || start >= body.length) return previous;
    previous = { text: body.slice(start, start + scanner.getTokenLength()), offset: start };
  }
}

function splice(text: string, start: number, end: number, insert: string): string {
  return text.slice(0, start) + insert + text.slice(end);
}

function lineStart(text: string, pos: number): number {
  const nl = text.lastIndexOf('\n', pos - 1);
  return nl + 1;
}

function indentOf(text: string, pos: number): string {
  const start = lineStart(text, pos);
  return /^[ \t]*/.exec(text.slice(start))?.[0] ?? '';
}

/** Position where the line containing `pos` ends, after skipping spaces and comments that end it. */
function endOfLine(text: string, pos: number): number {
  const next = skipTrivia(text, pos, true);
  return isLineBreakOrEnd(text, next) ? next : pos;
}

function isLineBreakOrEnd(text: string, pos: number): boolean {
  return pos >= text.length || text[pos] === '\n' || text[pos] === '\r';
}

function lineBreakLength(text: string, pos: number): number {
  if (text.startsWith('\r\n', pos)) return 2;
  return text[pos] === '\n' || text[pos] === '\r' ? 1 : 0;
}

/** Skips spaces and comments (and line breaks unless `stopAtLineBreak`); returns the next position. */
function skipTrivia(text: string, pos: number, stopAtLineBreak: boolean): number {
  let i = pos;
  while (i < text.length) {
    const ch = text[i];
    if (ch === ' ' || ch === '\t') {
      i++;
    } else if (ch === '\n' || ch === '\r') {
      if (stopAtLineBreak) return i;
      i++;
    } else if (ch === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
    } else if (ch === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      i = close < 0 ? text.length : close + 2;
    } else {
      return i;
    }
  }
  return i;
}

function skipString(text: string, pos: number): number {
  let i = pos + 1;
  while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
  return i + 1;
}
