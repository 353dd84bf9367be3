import { describe, expect, it } from 'vitest';
import {
  buildTrayMenu,
  groupPending,
  overallHealth,
  pendingChangesNotice,
  type MenuItemModel,
} from '../../../main/app/tray-menu.ts';
import { GATEWAY, server } from './fixtures.ts';

/** The tray's part in pinned tool definitions (issue 14): the pending-changes item and its notification. */

const labels = (items: MenuItemModel[]) => items.map((i) => ('label' in i ? i.label : '---'));
const docs = { prefix: 'docs', name: 'Docs', tools: ['fetch_page'] };

describe('pending tool changes in the tray', () => {
  it('lists each server with changes to approve, opening its Tools tab, and asks for attention', () => {
    const model = buildTrayMenu({
      gateway: GATEWAY,
      servers: [server('docs', 'healthy')],
      clients: [],
      launchAtLogin: false,
      pendingToolChanges: [docs, { prefix: 'gh', name: 'GitHub', tools: ['a', 'b'] }],
    });
    expect(labels(model.items).slice(0, 6)).toEqual([
      'Gateway running on port 17517',
      'Copy URL  http://127.0.0.1:17517/mcp',
      '---',
      '▲ Docs: 1 tool change to approve…',
      '▲ GitHub: 2 tool changes to approve…',
      '---',
    ]);
    const item = model.items[3] as Extract<MenuItemModel, { kind: 'action' }>;
    expect(item.action).toEqual({ type: 'open-server', prefix: 'docs', tab: 'tools' });
    expect(model.icon).toBe('attention');
    expect(model.tooltip).toBe('Switchboard — gateway running on port 17517, 3 tool changes to approve');
  });

  it('shows nothing extra when nothing waits', () => {
    const state = { gateway: GATEWAY, servers: [server('docs', 'healthy')], pendingToolChanges: [] };
    expect(overallHealth(state)).toBe('ok');
    const model = buildTrayMenu({ ...state, clients: [], launchAtLogin: false });
    expect(labels(model.items)).not.toContain(expect.stringMatching(/to approve/));
  });

  it('groups the pending list per server with its display name', () => {
    expect(
      groupPending(
        [
          { prefix: 'docs', tool: 'fetch_page' },
          { prefix: 'docs', tool: 'add' },
          { prefix: 'gone', tool: 'x' },
        ],
        [{ prefix: 'docs', name: 'Docs' }],
      ),
    ).toEqual([
      { prefix: 'docs', name: 'Docs', tools: ['fetch_page', 'add'] },
      { prefix: 'gone', name: 'gone', tools: ['x'] },
    ]);
  });
});

describe('pendingChangesNotice', () => {
  const on = { notifications: true };
  it('announces tools that became pending, once', () => {
    expect(pendingChangesNotice([], [docs], on)).toEqual({
      title: 'Docs changed its tool fetch_page',
      body: 'Clients do not see the changed tools until you approve them in Switchboard.',
    });
    expect(pendingChangesNotice([docs], [docs], on)).toBeNull();
    expect(pendingChangesNotice([docs], [{ ...docs, tools: ['fetch_page', 'add', 'x'] }], on)?.title).toBe(
      'Docs changed 2 of its tools',
    );
    expect(pendingChangesNotice([], [docs, { prefix: 'gh', name: 'GitHub', tools: ['a'] }], on)?.title).toBe(
      '2 tools changed on 2 servers',
    );
  });

  it('stays quiet at launch, after approvals, and when notifications are off', () => {
    expect(pendingChangesNotice(undefined, [docs], on)).toBeNull();
    expect(pendingChangesNotice([docs], [], on)).toBeNull();
    expect(pendingChangesNotice([], [docs], { notifications: false })).toBeNull();
  });
});
