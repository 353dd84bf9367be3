// @vitest-environment jsdom
import './setup.ts';
import { render, screen } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { SchemaForm } from '../../../renderer/components/schema-form.tsx';
import { buildFields, initialValues, toArguments } from '../../../renderer/lib/schema-fields.ts';

const schema = {
  type: 'object',
  properties: {
    query: { type: 'string', description: 'What to look for' },
    limit: { type: 'integer', minimum: 1 },
    ratio: { type: 'number' },
    exact: { type: 'boolean' },
    mode: { type: 'string', enum: ['fast', 'thorough'] },
    tags: { type: 'array', items: { type: 'string' } },
    sizes: { type: 'array', items: { type: 'number' } },
    filter: {
      type: 'object',
      properties: { owner: { type: 'string' }, max: { type: 'integer' } },
      required: ['owner'],
    },
    extra: { anyOf: [{ type: 'string' }, { type: 'number' }] },
  },
  required: ['query', 'limit'],
};

describe('buildFields / toArguments', () => {
  it('maps each JSON schema type onto a field kind, with raw JSON for unions', () => {
    const fields = buildFields(schema);
    expect(fields?.map((f) => [f.key, f.kind])).toEqual([
      ['query', 'string'],
      ['limit', 'integer'],
      ['ratio', 'number'],
      ['exact', 'boolean'],
      ['mode', 'enum'],
      ['tags', 'array'],
      ['sizes', 'array'],
      ['filter', 'object'],
      ['extra', 'json'],
    ]);
  });

  it('treats "X or null" as an optional X', () => {
    const fields = buildFields({
      type: 'object',
      properties: { a: { anyOf: [{ type: 'integer' }, { type: 'null' }] }, b: { type: ['string', 'null'] } },
    });
    expect(fields?.map((f) => f.kind)).toEqual(['integer', 'string']);
  });

  it('returns null for a root that is not an object (the whole form becomes raw JSON)', () => {
    expect(buildFields({ anyOf: [{ type: 'object' }, { type: 'string' }] })).toBeNull();
  });

  it('leaves an optional nested object out when none of its fields is filled', () => {
    const fields = buildFields(schema) ?? [];
    const values = { ...initialValues(fields), f0: 'x', f1: '3' };
    expect(toArguments(fields, values)).toEqual({ args: { query: 'x', limit: 3 }, errors: {} });
  });
});

describe('SchemaForm', () => {
  it('names number fields by their label alone and says the type as a description (not "anumber")', () => {
    render(<SchemaForm schema={schema} onSubmit={() => {}} />);
    expect(screen.getByRole('spinbutton', { name: 'limit' })).toHaveAccessibleDescription(/whole number/);
    expect(screen.getByRole('spinbutton', { name: 'ratio' })).toHaveAccessibleDescription(/number/);
    expect(screen.getByRole('group', { name: 'tags' })).toHaveAccessibleDescription(/list of strings/);
  });

  it('generates a labelled field per property with required markers', () => {
    render(<SchemaForm schema={schema} onSubmit={() => {}} />);
    expect(screen.getByLabelText(/^query/)).toHaveAttribute('aria-required', 'true');
    expect(screen.getByLabelText(/^query/)).toHaveAccessibleDescription('What to look for');
    expect(screen.getByLabelText(/^limit/)).toHaveAttribute('type', 'number');
    expect(screen.getByLabelText(/^ratio/)).not.toHaveAttribute('aria-required');
    expect(screen.getByRole('checkbox', { name: 'exact' })).toBeInTheDocument();
    expect(screen.getByRole('combobox', { name: /^mode/ })).toBeInTheDocument();
    expect(screen.getByRole('group', { name: /tags/ })).toBeInTheDocument();
    expect(screen.getByRole('group', { name: /filter/ })).toBeInTheDocument();
    expect(screen.getByLabelText(/^extra/)).toHaveAttribute('placeholder', 'JSON value');
  });

  it('refuses to submit without the required fields and says which', async () => {
    const onSubmit = vi.fn();
    const user = userEvent.setup();
    render(<SchemaForm schema={schema} onSubmit={onSubmit} />);
    await user.click(screen.getByRole('button', { name: 'Run' }));
    expect(onSubmit).not.toHaveBeenCalled();
    expect(screen.getByLabelText(/^query/)).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByLabelText(/^query/)).toHaveAccessibleDescription(/is required/);
    expect(screen.getByLabelText(/^limit/)).toHaveAccessibleDescription(/is required/);
  });

  it('coerces types and submits exactly the arguments object', async () => {
    const onSubmit = vi.fn();
    const user = userEvent.setup();
    render(<SchemaForm schema={schema} onSubmit={onSubmit} />);
    await user.type(screen.getByLabelText(/^query/), 'hello world');
    await user.type(screen.getByLabelText(/^limit/), '42');
    await user.type(screen.getByLabelText(/^ratio/), '0.5');
    await user.click(screen.getByRole('checkbox', { name: 'exact' }));
    await user.selectOptions(screen.getByRole('combobox', { name: /^mode/ }), 'thorough');
    await user.click(screen.getByRole('button', { name: 'Add item to tags' }));
    await user.type(screen.getByRole('textbox', { name: 'tags, item 1' }), 'a');
    await user.click(screen.getByRole('button', { name: 'Add item to tags' }));
    await user.type(screen.getByRole('textbox', { name: 'tags, item 2' }), 'b');
    await user.click(screen.getByRole('button', { name: 'Add item to sizes' }));
    await user.type(screen.getByRole('spinbutton', { name: 'sizes, item 1' }), '3');
    await user.type(screen.getByLabelText(/^owner/), 'ada');
    await user.type(screen.getByLabelText(/^max/), '7');
    await user.click(screen.getByLabelText(/^extra/));
    await user.paste('12');
    await user.click(screen.getByRole('button', { name: 'Run' }));
    expect(onSubmit).toHaveBeenCalledTimes(1);
    expect(onSubmit.mock.calls[0]?.[0]).toEqual({
      query: 'hello world',
      limit: 42,
      ratio: 0.5,
      exact: true,
      mode: 'thorough',
      tags: ['a', 'b'],
      sizes: [3],
      filter: { owner: 'ada', max: 7 },
      extra: 12,
    });
  });

  it('checks whole numbers and minimums', async () => {
    const onSubmit = vi.fn();
    const user = userEvent.setup();
    render(<SchemaForm schema={schema} onSubmit={onSubmit} />);
    await user.type(screen.getByLabelText(/^query/), 'q');
    await user.type(screen.getByLabelText(/^limit/), '1.5');
    await user.click(screen.getByRole('button', { name: 'Run' }));
    expect(screen.getByLabelText(/^limit/)).toHaveAccessibleDescription(/must be a whole number/);
    await user.clear(screen.getByLabelText(/^limit/));
    await user.type(screen.getByLabelText(/^limit/), '0');
    await user.click(screen.getByRole('button', { name: 'Run' }));
    expect(screen.getByLabelText(/^limit/)).toHaveAccessibleDescription(/must be at least 1/);
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it('asks for the required field of a nested object once any of its fields is filled', async () => {
    const onSubmit = vi.fn();
    const user = userEvent.setup();
    render(<SchemaForm schema={schema} onSubmit={onSubmit} />);
    await user.type(screen.getByLabelText(/^query/), 'q');
    await user.type(screen.getByLabelText(/^limit/), '2');
    await user.type(screen.getByLabelText(/^max/), '3');
    await user.click(screen.getByRole('button', { name: 'Run' }));
    expect(screen.getByLabelText(/^owner/)).toHaveAccessibleDescription(/is required/);
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it('rejects invalid JSON in a raw-JSON field', async () => {
    const onSubmit = vi.fn();
    const user = userEvent.setup();
    render(<SchemaForm schema={schema} onSubmit={onSubmit} />);
    await user.type(screen.getByLabelText(/^query/), 'q');
    await user.type(screen.getByLabelText(/^limit/), '2');
    await user.click(screen.getByLabelText(/^extra/));
    await user.paste('{nope');
    await user.click(screen.getByRole('button', { name: 'Run' }));
    expect(screen.getByLabelText(/^extra/)).toHaveAccessibleDescription(/is not valid JSON/);
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it('falls back to a raw-JSON editor for schemas it cannot express', async () => {
    const onSubmit = vi.fn();
    const user = userEvent.setup();
    render(<SchemaForm schema={{ oneOf: [{ type: 'object' }, { type: 'array' }] }} onSubmit={onSubmit} />);
    const editor = screen.getByRole('textbox', { name: 'Arguments (JSON)' });
    await user.clear(editor);
    await user.click(editor);
    await user.paste('[1]');
    await user.click(screen.getByRole('button', { name: 'Run' }));
    expect(editor).toHaveAccessibleDescription(/must be a JSON object/);
    await user.clear(editor);
    await user.paste('{"path": "/tmp", "depth": 2}');
    await user.click(screen.getByRole('button', { name: 'Run' }));
    expect(onSubmit).toHaveBeenCalledWith({ path: '/tmp', depth: 2 });
  });

  it('switches between the form and JSON, keeping what was typed', async () => {
    const onSubmit = vi.fn();
    const user = userEvent.setup();
    render(<SchemaForm schema={schema} onSubmit={onSubmit} />);
    await user.type(screen.getByLabelText(/^query/), 'kept');
    await user.click(screen.getByRole('button', { name: 'Edit as JSON' }));
    const editor = screen.getByRole('textbox', { name: 'Arguments (JSON)' });
    expect(JSON.parse((editor as HTMLTextAreaElement).value)).toEqual({ query: 'kept' });
    await user.click(screen.getByRole('button', { name: 'Back to the form' }));
    expect(screen.getByLabelText(/^query/)).toHaveValue('kept');
  });
});
