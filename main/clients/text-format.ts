/**
 * Small facts about a config file's text that edits must respect: a UTF-8 byte-order mark (kept), the
 * line ending (CRLF stays CRLF) and the indentation unit (tabs stay tabs).
 */

const BOM = '\uFEFF';

export interface SplitText {
  bom: string;
  body: string;
}

/** Separates a leading byte-order mark from the text so parsers never see it. */
export function splitBom(text: string): SplitText {
  return text.startsWith(BOM) ? { bom: BOM, body: text.slice(1) } : { bom: '', body: text };
}

/** The file's line ending: CRLF when any line uses it, else LF. */
export function detectEol(text: string): '\n' | '\r\n' {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

/** The indentation unit of the first indented line (a tab, or that many spaces); two spaces when there is none. */
export function detectIndent(text: string): string {
  for (const line of text.split(/\r?\n/)) {
    const match = /^([ \t]+)\S/.exec(line);
    if (match?.[1] === undefined) continue;
    if (match[1].startsWith('\t')) return '\t';
    return match[1];
  }
  return '  ';
}

/** 1-based line and column of an offset, for error messages people can jump to. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, offset));
  const lines = before.split('\n');
  return { line: lines.length, column: (lines[lines.length - 1]?.length ?? 0) + 1 };
}

/** Whether the text has no content at all (only whitespace). */
export function isBlank(text: string): boolean {
  return text.trim() === '';
}
