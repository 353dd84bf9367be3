import type { FieldErrors, FieldValues } from 'react-hook-form';

// Pure helpers for react-hook-form's nested error and touched trees, which follow the field paths.

/** Every error the form shows, as field paths (`envVars.0.name`) with the kind of error. */
export function errorPaths(errors: FieldErrors<FieldValues>, prefix = ''): { path: string; type: string }[] {
  const out: { path: string; type: string }[] = [];
  for (const [key, value] of Object.entries(errors)) {
    if (key === 'root' || value === undefined || value === null || typeof value !== 'object') continue;
    const path = prefix ? `${prefix}.${key}` : key;
    const node = value as { message?: unknown; type?: unknown };
    if (typeof node.message === 'string') out.push({ path, type: String(node.type ?? '') });
    else out.push(...errorPaths(value as FieldErrors<FieldValues>, path));
  }
  return out;
}

/** True when any field of a row's touched-state is true. */
export function anyTouched(touched: unknown): boolean {
  if (touched === true) return true;
  if (typeof touched !== 'object' || touched === null) return false;
  return Object.values(touched).some(anyTouched);
}

/** Sets `value` at a dotted path (`env.0.key`), creating arrays for numeric segments. */
export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node: Record<string, unknown> = target;
  parts.forEach((part, i) => {
    if (i === parts.length - 1) {
      node[part] ??= value;
      return;
    }
    const nextIsIndex = /^\d+$/.test(parts[i + 1] ?? '');
    node[part] ??= nextIsIndex ? [] : {};
    node = node[part] as Record<string, unknown>;
  });
}
