import type { ToolCallResult } from '../../preload/contract/index.ts';
import { formatDuration } from '../lib/format.ts';

/** A tool call's result: text as text, images as images, anything else as JSON. */
export function ToolResult({ result }: { result: ToolCallResult }) {
  return (
    <section className="tool-result" aria-label="Result" data-error={result.isError || undefined}>
      <div className="tool-result-head">
        <strong>{result.isError ? 'The tool reported an error' : 'Result'}</strong>
        <span className="muted small">{formatDuration(result.durationMs)}</span>
      </div>
      {result.content.length === 0 && !result.structuredContent ? (
        <p className="muted">The tool returned no content.</p>
      ) : null}
      {result.content.map((item, index) => (
        <ContentItem key={index} item={item} />
      ))}
      {result.structuredContent ? (
        <details open={result.content.length === 0}>
          <summary>Structured content</summary>
          <pre className="code-block">{JSON.stringify(result.structuredContent, null, 2)}</pre>
        </details>
      ) : null}
    </section>
  );
}

function ContentItem({ item }: { item: Record<string, unknown> }) {
  if (item.type === 'text' && typeof item.text === 'string') {
    return <pre className="code-block wrap">{item.text}</pre>;
  }
  if (
    (item.type === 'image' || item.type === 'audio') &&
    typeof item.data === 'string' &&
    typeof item.mimeType === 'string'
  ) {
    const src = `data:${item.mimeType};base64,${item.data}`;
    return item.type === 'image' ? (
      <img className="result-image" src={src} alt="Image returned by the tool" />
    ) : (
      <audio controls src={src} aria-label="Audio returned by the tool" />
    );
  }
  if (item.type === 'resource_link' && typeof item.uri === 'string') {
    return (
      <p>
        Resource link: <code>{item.uri}</code>
      </p>
    );
  }
  return <pre className="code-block">{JSON.stringify(item, null, 2)}</pre>;
}
