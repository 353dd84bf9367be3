// @vitest-environment jsdom
import './setup.ts';
import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { VariableState } from '../../../preload/contract/index.ts';
import { EnvVarsForm } from '../../../renderer/components/env-vars-form.tsx';
import { createFakeBridge, emptyState, makeServer } from './fake-bridge.ts';
import { renderWithBridge } from './render.tsx';

const variables: VariableState[] = [
  {
    name: 'API_KEY',
    description: 'Your API key',
    required: true,
    secret: true,
    isSet: false,
    hasDefault: false,
  },
  { name: 'DB_PASSWORD', required: true, secret: true, isSet: true, hasDefault: false },
  {
    name: 'REGION',
    description: 'Where to run',
    required: false,
    secret: false,
    isSet: false,
    hasDefault: true,
  },
];

function setup() {
  const state = emptyState();
  state.servers = [makeServer('svc', { detail: { variables: structuredClone(variables) } })];
  const bridge = createFakeBridge({ state });
  return renderWithBridge(<EnvVarsForm prefix="svc" variables={variables} />, bridge);
}

describe('EnvVarsForm', () => {
  it('shows what each variable is, whether it is required and whether it is set, but never a value', () => {
    setup();
    const apiKey = screen.getByLabelText(/^API_KEY/);
    expect(apiKey).toHaveAttribute('type', 'password');
    expect(apiKey).toHaveValue('');
    expect(apiKey).toHaveAttribute('aria-required', 'true');
    expect(apiKey).toHaveAccessibleDescription(/Not set — required.*Your API key/);
    const password = screen.getByLabelText(/^DB_PASSWORD/);
    expect(password).toHaveValue('');
    expect(password).toHaveAccessibleDescription(/^Set$/);
    expect(password).toHaveAttribute('placeholder', 'Type to replace the stored value');
    expect(screen.getByLabelText(/^REGION/)).toHaveAccessibleDescription(/Uses default/);
    expect(screen.getByRole('button', { name: 'Remove the value of DB_PASSWORD' })).toBeInTheDocument();
  });

  it('sends only the filled values, write-only, and clears the inputs after saving', async () => {
    const { user, bridge, container } = setup();
    await user.type(screen.getByLabelText(/^API_KEY/), 'sk-live-123');
    await user.click(screen.getByRole('button', { name: 'Save values' }));
    await waitFor(() => expect(screen.getByRole('status')).toHaveTextContent('Saved API_KEY.'));
    expect(bridge.callsOf('variables.set')).toEqual([
      { prefix: 'svc', name: 'API_KEY', value: 'sk-live-123' },
    ]);
    expect(screen.getByLabelText(/^API_KEY/)).toHaveValue('');
    expect(container.innerHTML).not.toContain('sk-live-123');
    for (const input of container.querySelectorAll('input')) expect(input.value).toBe('');
  });

  it('does nothing when no value was typed', async () => {
    const { user, bridge } = setup();
    await user.click(screen.getByRole('button', { name: 'Save values' }));
    expect(screen.getByRole('status')).toHaveTextContent('Nothing to save');
    expect(bridge.callsOf('variables.set')).toEqual([]);
  });

  it('removes a stored value only after asking (a secret cannot be brought back)', async () => {
    const { user, bridge } = setup();
    await user.click(screen.getByRole('button', { name: 'Remove the value of DB_PASSWORD' }));
    const dialog = await screen.findByRole('dialog', { name: 'Remove the value of DB_PASSWORD?' });
    expect(dialog).toHaveTextContent(/cannot be shown or brought back/);
    expect(bridge.callsOf('variables.unset')).toEqual([]);
    await user.click(within(dialog).getByRole('button', { name: 'Remove value' }));
    await waitFor(() =>
      expect(bridge.callsOf('variables.unset')).toEqual([{ prefix: 'svc', name: 'DB_PASSWORD' }]),
    );
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });

  it('Cancel keeps the value', async () => {
    const { user, bridge } = setup();
    await user.click(screen.getByRole('button', { name: 'Remove the value of DB_PASSWORD' }));
    const dialog = await screen.findByRole('dialog');
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(bridge.callsOf('variables.unset')).toEqual([]);
  });

  it('shows the value of a plain variable after it was saved, and says the server restarts', async () => {
    const plain: VariableState[] = [
      { name: 'REGION', required: false, secret: false, isSet: true, hasDefault: true, value: 'eu-west-1' },
    ];
    const state = emptyState();
    state.servers = [makeServer('svc', { detail: { variables: structuredClone(plain) } })];
    const { user } = renderWithBridge(
      <EnvVarsForm prefix="svc" serverName="Service" variables={plain} />,
      createFakeBridge({ state }),
    );
    expect(screen.getByText('eu-west-1')).toBeInTheDocument();
    await user.type(screen.getByLabelText(/^REGION/), 'us-east-2');
    await user.click(screen.getByRole('button', { name: 'Save values' }));
    await waitFor(() =>
      expect(screen.getByRole('status')).toHaveTextContent('Saved REGION. Service restarts to use it.'),
    );
  });
});
