import { describe, expect, it } from 'vitest';
import { createContractDispatcher } from '../../../main/ipc/dispatcher.ts';
import type { HandlerTable } from '../../../main/ipc/handler-types.ts';
import { forwardEvents } from '../../../main/ipc/event-forwarding.ts';
import { SwitchboardError } from '../../../main/lib/errors.ts';
import { Redactor } from '../../../main/lib/redactor.ts';

const redactor = new Redactor();
redactor.add('hunter2-secret');
const table = (handlers: Record<string, (input: never) => unknown>) => handlers as unknown as HandlerTable;
const dispatcher = (handlers: Record<string, (input: never) => unknown>) =>
  createContractDispatcher(table(handlers), { redact: (t) => redactor.redact(t) });

describe('createContractDispatcher', () => {
  it('strips fields the contract does not declare from outputs', async () => {
    const dispatch = dispatcher({
      'tokens.create': () => ({ name: 'a', token: 't', hash: 'should not leave', secret: 'hunter2-secret' }),
    });
    expect(await dispatch('tokens.create', { name: 'a' })).toEqual({
      ok: true,
      value: { name: 'a', token: 't' },
    });
  });

  it('turns an off-contract output into INTERNAL', async () => {
    const dispatch = dispatcher({ 'gateway.status': () => ({ running: 'yes' }) });
    expect(await dispatch('gateway.status', {})).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  });

  it('maps thrown errors to codes with redacted messages and details', async () => {
    const dispatch = dispatcher({
      'servers.get': () => {
        throw new SwitchboardError('NEEDS_CONFIG', 'value hunter2-secret is wrong', {
          details: { value: 'hunter2-secret' },
        });
      },
      'servers.list': () => {
        throw new TypeError('boom hunter2-secret');
      },
      'app.info': () => Promise.reject(new Error('async')),
    });
    expect(await dispatch('servers.get', { prefix: 'a' })).toEqual({
      ok: false,
      error: { code: 'NEEDS_CONFIG', message: 'value [REDACTED] is wrong', details: { value: '[REDACTED]' } },
    });
    expect(await dispatch('servers.list', {})).toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: 'boom [REDACTED]' },
    });
    expect(await dispatch('app.info', {})).toMatchObject({
      ok: false,
      error: { code: 'INTERNAL', message: 'async' },
    });
  });

  it('validates input before the handler runs, naming every field', async () => {
    let ran = false;
    const dispatch = dispatcher({ 'variables.set': () => (ran = true) });
    const result = await dispatch('variables.set', { prefix: '', value: 5, extra: 1 });
    expect(result).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    if (!result.ok) {
      expect(result.error.message).toMatch(/prefix: .*name: .*value: /s);
      expect(
        (result.error.details as { issues: { path: string[] }[] }).issues.map((i) => i.path.join('.')),
      ).toEqual(expect.arrayContaining(['prefix', 'name', 'value', 'extra']));
    }
    expect(ran).toBe(false);
  });

  it('treats a missing input as an empty one, and unknown commands as NOT_FOUND', async () => {
    const dispatch = dispatcher({ 'catalog.categories': () => ['files'] });
    expect(await dispatch('catalog.categories', undefined)).toEqual({ ok: true, value: ['files'] });
    expect(await dispatch('toString', {})).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});

describe('forwardEvents', () => {
  it('forwards contract events stripped to the contract, drops malformed ones, and unsubscribes', () => {
    const listeners = new Map<string, (p: unknown) => void>();
    const services = {
      on: (event: string, listener: (p: unknown) => void) => {
        listeners.set(event, listener);
        return () => listeners.delete(event);
      },
    };
    const got: unknown[] = [];
    const stop = forwardEvents(services as never, (event, payload) => got.push([event, payload]));
    listeners.get('servers.changed')?.({ prefix: 'a', secret: 'x' });
    listeners.get('activity.appended')?.({ count: 'many' });
    expect(got).toEqual([['servers.changed', { prefix: 'a' }]]);
    stop();
    expect(listeners.size).toBe(0);
  });
});
