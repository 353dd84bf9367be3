import * as Tabs from '@radix-ui/react-tabs';
import { useQueryClient } from '@tanstack/react-query';
import { ArrowLeft, ClipboardPaste, LibraryBig, PenLine } from 'lucide-react';
import { useState } from 'react';
import type { ServerSummary } from '../../preload/contract/index.ts';
import { CatalogPicker } from '../components/catalog-picker.tsx';
import { Callout } from '../components/error-banner.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { ServerForm, type FillForm, type HeldSecrets } from '../components/server-form.tsx';
import { SnippetPaste } from '../components/snippet-paste.tsx';
import { useToast } from '../components/toaster.tsx';
import { navigate, routeHref } from '../hooks/use-route.ts';
import { emptyServerForm, type ServerFormValues } from '../lib/server-form-model.ts';

type AddTab = 'form' | 'paste' | 'catalog';

/** Add a server: by hand, from a pasted client config snippet, or from the catalog (which fills the form). */
export function AddServerPage({ tab }: { tab: string | undefined }) {
  const current: AddTab = tab === 'paste' || tab === 'catalog' ? tab : 'form';
  const client = useQueryClient();
  const notify = useToast();
  const [seed, setSeed] = useState<{
    values: ServerFormValues;
    notice: string;
    held: HeldSecrets | null;
    key: number;
  }>({
    values: emptyServerForm(),
    notice: '',
    held: null,
    key: 0,
  });
  const go = (next: string) =>
    navigate({ page: 'add', tab: next === 'form' ? undefined : next }, { replace: true });
  const fill: FillForm = (values, notice, held = null) => {
    setSeed((s) => ({ values, notice, held, key: s.key + 1 }));
    go('form');
  };
  const onSaved = (summary: ServerSummary) => {
    void client.invalidateQueries({ queryKey: ['servers.list'] });
    notify(
      summary.health.status === 'needs_config'
        ? `Added ${summary.name}. It still needs ${summary.health.missing.join(', ') || 'some values'} before it can start.`
        : `Added ${summary.name}. Switchboard is starting it.`,
    );
    navigate({
      page: 'server',
      prefix: summary.prefix,
      tab: summary.health.status === 'needs_config' ? 'variables' : undefined,
    });
  };

  return (
    <>
      <a className="back-link" href={routeHref({ page: 'servers' })}>
        <ArrowLeft size={14} aria-hidden="true" /> Servers
      </a>
      <PageHeader
        title="Add a server"
        subtitle="Describe it yourself, paste a config snippet, or start from the catalog."
      />
      <Tabs.Root value={current} onValueChange={go} className="tabs">
        <Tabs.List className="tab-list" aria-label="Ways to add a server">
          <Tabs.Trigger value="form" className="tab">
            <PenLine size={14} aria-hidden="true" /> Form
          </Tabs.Trigger>
          <Tabs.Trigger value="paste" className="tab">
            <ClipboardPaste size={14} aria-hidden="true" /> Paste JSON
          </Tabs.Trigger>
          <Tabs.Trigger value="catalog" className="tab">
            <LibraryBig size={14} aria-hidden="true" /> Catalog
          </Tabs.Trigger>
        </Tabs.List>
        <Tabs.Content value="form" className="tab-panel">
          <ServerForm
            key={seed.key}
            initial={seed.values}
            onSaved={onSaved}
            heldSecrets={seed.held}
            notice={seed.notice ? <Callout tone="info">{seed.notice}</Callout> : undefined}
          />
        </Tabs.Content>
        <Tabs.Content value="paste" className="tab-panel">
          <SnippetPaste
            onFill={fill}
            onAddedAll={(added) => {
              notify(`Added ${added.length} servers: ${added.join(', ')}.`);
              navigate({ page: 'servers' });
            }}
          />
        </Tabs.Content>
        <Tabs.Content value="catalog" className="tab-panel">
          <CatalogPicker onFill={fill} />
        </Tabs.Content>
      </Tabs.Root>
    </>
  );
}
