import { describe, expect, it } from 'vitest';
import type { AiClient, ClientProfile } from '../../../preload/contract/models.ts';
import { profileItems } from '../../../main/app/tray-menu.ts';

const client = (
  id: string,
  displayName: string,
  supportsHttp: boolean,
  entry: AiClient['entry'],
): AiClient => ({
  id,
  displayName,
  detected: true,
  configPath: null,
  supportsHttp,
  entry,
  restartHint: '',
});
const row = (client: string, profile: string): ClientProfile => ({
  client,
  label: client,
  profile,
  listed: 1,
  tools: 1,
  mode: 'full',
});

describe('the tray: switching a connected client’s profile', () => {
  it('offers each connected client with its profile checked, and the bridge once a command-only client uses it', () => {
    const clients = [
      client('cursor', 'Cursor', true, 'current'),
      client('claude-desktop', 'Claude Desktop', false, 'absent'),
    ];
    const profiles = {
      names: ['default', 'work'],
      clients: [row('cursor', 'work'), row('bridge', 'default')],
    };
    expect(profileItems({ clients, profiles })).toEqual([
      {
        kind: 'submenu',
        label: 'Client profiles',
        items: [
          {
            kind: 'submenu',
            label: 'Cursor — work',
            items: [
              {
                kind: 'checkbox',
                label: 'default',
                checked: false,
                action: { type: 'set-client-profile', client: 'cursor', profile: 'default' },
              },
              {
                kind: 'checkbox',
                label: 'work',
                checked: true,
                action: { type: 'set-client-profile', client: 'cursor', profile: 'work' },
              },
            ],
          },
        ],
      },
    ]);
    const withBridge = profileItems({
      clients: [client('claude-desktop', 'Claude Desktop', false, 'current')],
      profiles,
    });
    const labels = (withBridge[0] as { items: { label: string }[] }).items.map((i) => i.label);
    expect(labels).toEqual(['cursor — work', 'Stdio bridge — default']);
  });

  it('shows nothing while only the default profile exists, and says so when no client is connected', () => {
    expect(
      profileItems({ clients: [], profiles: { names: ['default'], clients: [row('x', 'default')] } }),
    ).toEqual([]);
    expect(profileItems({ clients: [], profiles: undefined })).toEqual([]);
    expect(
      profileItems({
        clients: [],
        profiles: { names: ['default', 'work'], clients: [row('bridge', 'default')] },
      }),
    ).toEqual([
      {
        kind: 'submenu',
        label: 'Client profiles',
        items: [{ kind: 'label', label: 'No connected clients' }],
      },
    ]);
  });
});
