import type { ImportPlan } from './import-plan.ts';

/**
 * The dry-run plan as plain text lines, for `switchboard import --from <client> --dry-run` and the preview
 * dialog. It prints what will be stored and which variables go to the vault — never a secret value.
 */
export function formatImportPlan(plan: ImportPlan): string {
  const lines: string[] = [
    `${count(plan.add.length, 'server')} to add, ${count(plan.skipped.length, 'entry', 'entries')} skipped, ` +
      `${count(plan.secrets.length, 'secret')} to store in the vault`,
  ];
  for (const item of plan.add) {
    const def = item.definition;
    const from = item.fromNames.join(', ');
    lines.push(
      '',
      `+ ${def.prefix} (${def.transport}) from ${from}${def.enabled === false ? ' [disabled]' : ''}`,
    );
    if (def.transport === 'stdio') {
      lines.push(`    command: ${[def.command, ...(def.args ?? [])].map(quoteIfNeeded).join(' ')}`);
      if (def.cwd !== undefined) lines.push(`    cwd: ${def.cwd}`);
      for (const [key, value] of Object.entries(def.env ?? {})) lines.push(`    env ${key}=${value}`);
    } else {
      lines.push(`    url: ${def.url}`);
      for (const [key, value] of Object.entries(def.headers ?? {})) lines.push(`    header ${key}: ${value}`);
    }
    if (item.secretNames.length > 0) lines.push(`    secrets to the vault: ${item.secretNames.join(', ')}`);
    if (item.missingNames.length > 0)
      lines.push(`    needs a value in Switchboard: ${item.missingNames.join(', ')}`);
    for (const note of item.notes) lines.push(`    note: ${note}`);
  }
  if (plan.skipped.length > 0) lines.push('');
  for (const skip of plan.skipped) lines.push(`- ${skip.name}: skipped, ${skip.reason}`);
  return lines.join('\n') + '\n';
}

function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

function quoteIfNeeded(part: string): string {
  return /^[A-Za-z0-9_@%+=:,./\\-]+$/.test(part) ? part : `"${part.replace(/"/g, '\\"')}"`;
}
