import type { Command } from 'commander';
import { SwitchboardError } from '../lib/errors.ts';
import { SETTING_KEYS, type SettingKey } from '../registry/settings-repository.ts';
import type { CliContext } from './context.ts';
import { table } from './output.ts';

/** `switchboard settings [KEY [VALUE]]`: show or change hub settings (port, timeouts, retention…). */
export function registerSettingsCommands(program: Command, ctx: CliContext): void {
  program
    .command('settings')
    .argument('[key]', `one of: ${SETTING_KEYS.join(', ')}`)
    .argument('[value]', 'new value (JSON: 17600, true, …); "default" resets it')
    .description('show every setting, one setting, or change one (a running hub picks most up at once)')
    .action(async (key: string | undefined, value: string | undefined) => {
      const { settings } = (await ctx.hub()).useCases;
      if (key === undefined) {
        const all = settings.all();
        ctx.out.result(all, () =>
          table([['SETTING', 'VALUE'], ...Object.entries(all).map(([k, v]) => [k, String(v)])]),
        );
        return;
      }
      if (!(SETTING_KEYS as string[]).includes(key)) {
        throw new SwitchboardError('USAGE', `unknown setting "${key}"; known: ${SETTING_KEYS.join(', ')}`);
      }
      const name = key as SettingKey;
      if (value !== undefined)
        await settings.set({ [name]: value === 'default' ? undefined : parseValue(value) });
      const current = settings.get(name);
      ctx.out.result({ [name]: current }, () => `${name} = ${String(current)}`);
    });
}

// Numbers and booleans as JSON; anything else as the plain string the person typed.
function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
