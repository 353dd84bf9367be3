// @vitest-environment jsdom
import './setup.ts';
import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { ServerForm } from '../../../renderer/components/server-form.tsx';
import { createFakeBridge, fail } from './fake-bridge.ts';
import { renderWithBridge } from './render.tsx';

/** Issue 11, window items 7 (validation) and 10 (secrets in the Add form). */

describe('ServerForm validation', () => {
  it('never says "is required" under the optional display name', async () => {
    const { user } = renderWithBridge(<ServerForm onSaved={() => {}} />);
    await user.click(screen.getByRole('button', { name: 'Add server' }));
    expect(screen.getByRole('textbox', { name: /^Prefix/ })).toHaveAttribute('aria-invalid', 'true');
    const name = screen.getByRole('textbox', { name: /^Display name/ });
    expect(name).not.toHaveAttribute('aria-invalid');
    expect(name).toHaveAccessibleDescription('Defaults to the prefix.');
  });

  it('does not mark a row as wrong the moment it is added after a failed attempt', async () => {
    const { user } = renderWithBridge(<ServerForm onSaved={() => {}} />);
    await user.click(screen.getByRole('button', { name: 'Add server' }));
    await user.click(screen.getByRole('button', { name: 'Add environment variable' }));
    // Give validation a chance to run, as it does after an append.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(screen.getByRole('textbox', { name: 'Name 1' })).not.toHaveAttribute('aria-invalid');
    await user.click(screen.getByRole('button', { name: 'Declare a variable' }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const name = screen.getByRole('textbox', { name: 'Name' });
    expect(name).toHaveFocus();
    expect(name).not.toHaveAttribute('aria-invalid');
    // Once submitted again, an empty declaration is a problem.
    await user.click(screen.getByRole('button', { name: 'Add server' }));
    await waitFor(() => expect(name).toHaveAttribute('aria-invalid', 'true'));
  });

  it('clears a problem as soon as it is fixed elsewhere in the form, in words that name no internal field', async () => {
    const { user } = renderWithBridge(<ServerForm onSaved={() => {}} />);
    await user.type(screen.getByRole('textbox', { name: /^Prefix/ }), 'files');
    await user.type(screen.getByRole('textbox', { name: /^Command/ }), 'npx');
    await user.click(screen.getByRole('textbox', { name: /^Arguments/ }));
    await user.paste('--token=${TOKEN}');
    await user.click(screen.getByRole('button', { name: 'Add server' }));
    const args = screen.getByRole('textbox', { name: /^Arguments/ });
    await waitFor(() => expect(args).toHaveAttribute('aria-invalid', 'true'));
    expect(args).toHaveAccessibleDescription(/no variable TOKEN is declared/);
    expect(args).not.toHaveAccessibleDescription(/envVars/);
    await user.click(screen.getByRole('button', { name: 'Declare a variable' }));
    await user.type(screen.getByRole('textbox', { name: 'Name' }), 'TOKEN');
    await waitFor(() => expect(args).not.toHaveAttribute('aria-invalid'));
  });

  it('marks the prefix field when main says the prefix is taken', async () => {
    const bridge = createFakeBridge();
    bridge.handle('servers.add', () =>
      fail('CONFLICT', 'prefix: "files" is already used by another server; choose another prefix', {
        prefix: 'files',
        issues: [
          { path: ['prefix'], message: '"files" is already used by another server; choose another prefix' },
        ],
      }),
    );
    const { user } = renderWithBridge(<ServerForm onSaved={() => {}} />, bridge);
    await user.type(screen.getByRole('textbox', { name: /^Prefix/ }), 'files');
    await user.type(screen.getByRole('textbox', { name: /^Command/ }), 'npx');
    await user.click(screen.getByRole('button', { name: 'Add server' }));
    const prefix = screen.getByRole('textbox', { name: /^Prefix/ });
    await waitFor(() => expect(prefix).toHaveAttribute('aria-invalid', 'true'));
    expect(prefix).toHaveAccessibleDescription(/already used by another server/);
    expect(screen.queryByText('The server was not saved')).toBeNull();
  });
});

describe('ServerForm: values stored with the new server', () => {
  it('sends the values typed for declared variables with servers.add', async () => {
    const onSaved = vi.fn();
    const { user, bridge } = renderWithBridge(<ServerForm onSaved={onSaved} />);
    await user.type(screen.getByRole('textbox', { name: /^Prefix/ }), 'brave');
    await user.type(screen.getByRole('textbox', { name: /^Command/ }), 'npx');
    await user.click(screen.getByRole('button', { name: 'Declare a variable' }));
    await user.type(screen.getByRole('textbox', { name: 'Name' }), 'BRAVE_API_KEY');
    await user.type(screen.getByLabelText(/^Value of BRAVE_API_KEY/), 'k-123');
    expect(screen.getByLabelText(/^Value of BRAVE_API_KEY/)).toHaveAttribute('type', 'password');
    await user.click(screen.getByRole('button', { name: 'Add server' }));
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    const [input] = bridge.callsOf('servers.add');
    expect(input?.values).toEqual({ BRAVE_API_KEY: 'k-123' });
    expect(JSON.stringify(input?.definition)).not.toContain('k-123');
  });

  it('sends a client secret for an OAuth client', async () => {
    const onSaved = vi.fn();
    const { user, bridge } = renderWithBridge(<ServerForm onSaved={onSaved} />);
    await user.click(screen.getByRole('radio', { name: 'Remote' }));
    await user.type(screen.getByRole('textbox', { name: /^Prefix/ }), 'api');
    await user.type(screen.getByRole('textbox', { name: /^URL/ }), 'https://api.example.test/mcp');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Authentication' }), 'client_credentials');
    await user.type(screen.getByRole('textbox', { name: /^Client ID/ }), 'machine');
    await user.type(screen.getByRole('textbox', { name: /^Token URL/ }), 'https://auth.example.test/token');
    await user.type(screen.getByLabelText(/^Client secret/), 'cs-456');
    await user.click(screen.getByRole('button', { name: 'Add server' }));
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    expect(bridge.callsOf('servers.add')[0]?.clientSecret).toBe('cs-456');
  });
});
