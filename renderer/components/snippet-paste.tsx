import { useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useBridge } from '../hooks/bridge-context.tsx';
import { CommandError, useMutationCommand } from '../hooks/use-command.ts';
import { fromDefinition } from '../lib/server-form-model.ts';
import { Callout, ErrorBanner } from './error-banner.tsx';
import type { FillForm, HeldSecrets } from './server-form.tsx';

/** What the snippet box shows before anything is pasted: the shape most READMEs use. */
const SNIPPET_EXAMPLE = `{
  "mcpServers": {
    "github": {
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-github"],
      "env": { "GITHUB_TOKEN": "…" }
    }
  }
}`;

/** Paste a Claude Desktop / Cursor / VS Code style snippet; main parses it into definitions. */
export function SnippetPaste({
  onFill,
  onAddedAll,
}: {
  onFill: FillForm;
  onAddedAll: (added: string[]) => void;
}) {
  const [text, setText] = useState('');
  const id = useId();
  const bridge = useBridge();
  const client = useQueryClient();
  const parse = useMutationCommand('servers.parseSnippet', {
    onSuccess: (result) => {
      const only = result.definitions[0];
      if (result.definitions.length === 1 && only) {
        const held = result.held[0] ?? null;
        onFill(fromDefinition(only), noticeFor(held, result.renamed, 'the pasted snippet'), held);
      }
    },
  });
  const [addAll, setAddAll] = useState<{ busy: boolean; error: unknown; added: string[] }>({
    busy: false,
    error: null,
    added: [],
  });

  const definitions = parse.data?.definitions ?? [];
  return (
    <div className="stack">
      <form
        className="stack"
        onSubmit={(event) => {
          event.preventDefault();
          parse.mutate({ text });
        }}
      >
        <div className="field">
          <label htmlFor={`${id}-snippet`}>Configuration snippet</label>
          <textarea
            id={`${id}-snippet`}
            className="mono"
            rows={10}
            spellCheck={false}
            placeholder={SNIPPET_EXAMPLE}
            value={text}
            onChange={(event) => setText(event.target.value)}
            aria-describedby={`${id}-snippet-hint`}
          />
          <p className="hint" id={`${id}-snippet-hint`}>
            The JSON from Claude Desktop, Cursor, VS Code or a README — with or without the surrounding
            “mcpServers”. Secret values in it never come back to this page: Switchboard keeps them for a few
            minutes and stores them, encrypted, when you add the server.
          </p>
        </div>
        <div className="button-row">
          <button type="submit" className="button primary" disabled={!text.trim() || parse.isPending}>
            {parse.isPending ? 'Reading…' : 'Read snippet'}
          </button>
        </div>
      </form>
      <ErrorBanner error={parse.error} title="The snippet could not be read" />
      {parse.data ? (
        <section aria-label="What the snippet contains" className="stack">
          {definitions.length === 0 ? <p className="muted">No server found in the snippet.</p> : null}
          {parse.data.renamed.length && definitions.length > 1 ? (
            <Callout tone="info">{renamedText(parse.data.renamed)}</Callout>
          ) : null}
          {parse.data.skipped.length ? (
            <Callout tone="warn">
              <strong>Skipped:</strong>
              <ul>
                {parse.data.skipped.map((s) => (
                  <li key={s}>{s}</li>
                ))}
              </ul>
            </Callout>
          ) : null}
          {definitions.length > 1 ? (
            <>
              <p>
                The snippet describes {definitions.length} servers. Review one in the form, or add them all as
                they are.
              </p>
              <ul className="rows">
                {definitions.map((def, index) => (
                  <li className="row" key={index}>
                    <div className="row-main">
                      <div className="row-title">
                        {String(def.name ?? def.prefix)}{' '}
                        <span className="mono muted small">{String(def.prefix)}</span>
                      </div>
                      <p className="row-sub mono small truncate">{String(def.command ?? def.url ?? '')}</p>
                    </div>
                    <button
                      type="button"
                      className="button small"
                      onClick={() => {
                        const held = parse.data?.held[index] ?? null;
                        onFill(
                          fromDefinition(def),
                          noticeFor(
                            held,
                            (parse.data?.renamed ?? []).filter((r) => r.to === def.prefix),
                            'the pasted snippet',
                          ),
                          held,
                        );
                      }}
                      aria-label={`Review ${String(def.prefix)}`}
                    >
                      Review
                    </button>
                  </li>
                ))}
              </ul>
              <div className="button-row">
                <button
                  type="button"
                  className="button primary"
                  disabled={addAll.busy}
                  onClick={async () => {
                    setAddAll({ busy: true, error: null, added: [] });
                    const added: string[] = [];
                    try {
                      for (const [index, definition] of definitions.entries()) {
                        const held = parse.data?.held[index];
                        const result = await bridge.invoke('servers.add', {
                          definition,
                          ...(held ? { heldSecrets: held.handle } : {}),
                        });
                        if (!result.ok) throw new CommandError(result.error);
                        added.push(result.value.prefix);
                      }
                      setAddAll({ busy: false, error: null, added });
                      void client.invalidateQueries({ queryKey: ['servers.list'] });
                      onAddedAll(added);
                    } catch (error) {
                      setAddAll({ busy: false, error, added });
                      void client.invalidateQueries({ queryKey: ['servers.list'] });
                    }
                  }}
                >
                  Add all {definitions.length}
                </button>
              </div>
              {addAll.error ? (
                <ErrorBanner
                  error={addAll.error}
                  title={
                    addAll.added.length
                      ? `Added ${addAll.added.join(', ')}, then stopped`
                      : 'Nothing was added'
                  }
                />
              ) : null}
            </>
          ) : null}
          {parse.data.secretNames.length && definitions.length > 1 ? (
            <Callout tone="info">
              {parse.data.secretNames.join(', ')} {parse.data.secretNames.length === 1 ? 'looks' : 'look'}{' '}
              secret: the values are kept out of this page and stored, encrypted, with the servers you add.
            </Callout>
          ) : null}
        </section>
      ) : null}
    </div>
  );
}

/** The notice above the filled form: where it came from, renamed prefixes, secrets held out of the page. */
function noticeFor(
  held: HeldSecrets | null,
  renamed: readonly { from: string; to: string }[],
  source: string,
): string {
  const parts = [`Filled from ${source}. Review the fields, then add the server.`];
  if (renamed.length) parts.push(renamedText(renamed));
  if (held?.names.length) {
    const names = held.names.join(', ');
    parts.push(
      `${names} ${held.names.length === 1 ? 'looks' : 'look'} secret: ${held.names.length === 1 ? 'its value was' : 'their values were'} read but not shown here, and ${held.names.length === 1 ? 'is' : 'are'} stored, encrypted, when you add the server.`,
    );
  }
  return parts.join(' ');
}

/** Says which pasted servers got another prefix because the name was taken here. */
function renamedText(renamed: readonly { from: string; to: string }[]): string {
  return renamed
    .map(
      (r) =>
        `A server named “${r.from}” already exists here, so this one gets the prefix “${r.to}” (change it if you like).`,
    )
    .join(' ');
}
