// @vitest-environment jsdom
import './setup.ts';
import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { ToolInfo } from '../../../preload/contract/index.ts';
import { ToolList } from '../../../renderer/components/tool-list.tsx';
import { renderWithBridge } from './render.tsx';

/** A withheld tool (pinned definitions) is not shown as one clients see: they do not, until it is approved. */

const tool = (name: string, extra: Partial<ToolInfo> = {}): ToolInfo => ({
  name,
  exposedName: `docs__${name}`,
  inputSchema: { type: 'object' },
  enabled: true,
  ...extra,
});

describe('the tool list', () => {
  it('says a withheld tool waits for approval, and counts only the tools clients see', () => {
    renderWithBridge(
      <ToolList
        prefix="docs"
        tools={[tool('echo'), tool('fetch_page', { withheld: 'changed' }), tool('add', { withheld: 'new' })]}
      />,
    );
    expect(screen.getByText('1 of 3 tools exposed to clients')).toBeInTheDocument();
    expect(screen.getByText('docs__echo')).toBeInTheDocument();
    expect(screen.queryByText('docs__fetch_page')).toBeNull();
    expect(
      screen.getByText('Withheld from clients: its definition changed; approve it above'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Withheld from clients: new since the server was approved; approve it above'),
    ).toBeInTheDocument();
  });
});
