import { wrapUri } from './resource-uris.ts';

/**
 * URIs inside results, rewritten for the aggregate scope so that what a client reads from one answer can be
 * fed back to the gateway: resource links and embedded resources in tool results and prompt messages, and the
 * contents of resources/read. Everything else passes through untouched (new objects; the input is not mutated).
 */

type Json = Record<string, unknown>;

/** Rewrites the URI of one content block when it is a resource link or an embedded resource. */
export function rewriteContentBlock(prefix: string, block: unknown): unknown {
  if (!isObject(block)) return block;
  if (block.type === 'resource_link' && typeof block.uri === 'string')
    return { ...block, uri: wrapUri(prefix, block.uri) };
  if (block.type === 'resource' && isObject(block.resource) && typeof block.resource.uri === 'string') {
    return { ...block, resource: { ...block.resource, uri: wrapUri(prefix, block.resource.uri) } };
  }
  return block;
}

/** A tools/call result with its content's resource URIs rewritten. */
export function rewriteToolResult(prefix: string, result: Json): Json {
  if (!Array.isArray(result.content)) return result;
  return { ...result, content: result.content.map((block) => rewriteContentBlock(prefix, block)) };
}

/** A prompts/get result with resource URIs inside its messages rewritten. */
export function rewritePromptResult(prefix: string, result: Json): Json {
  if (!Array.isArray(result.messages)) return result;
  return {
    ...result,
    messages: result.messages.map((message) =>
      isObject(message) ? { ...message, content: rewriteContentBlock(prefix, message.content) } : message,
    ),
  };
}

/** A resources/read result with each content's URI rewritten. */
export function rewriteReadResult(prefix: string, result: Json): Json {
  if (!Array.isArray(result.contents)) return result;
  return {
    ...result,
    contents: result.contents.map((c) =>
      isObject(c) && typeof c.uri === 'string' ? { ...c, uri: wrapUri(prefix, c.uri) } : c,
    ),
  };
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
