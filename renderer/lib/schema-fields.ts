/**
 * Turns a tool's JSON input schema into a list of form fields, and form values back into the tool's
 * arguments object. Pure, so it is tested without a DOM. Anything it cannot render as a field (unions,
 * `$ref`, free-form maps, arrays of objects…) becomes a raw-JSON field, never silently dropped.
 */

export type JsonSchema = Record<string, unknown>;
export type PrimitiveKind = 'string' | 'number' | 'integer' | 'boolean';

interface FieldBase {
  /** Flat form key (`f0`, `f1`…): property names may contain dots or spaces that form libraries split on. */
  id: string;
  /** The property name in the arguments object. */
  key: string;
  label: string;
  description: string | undefined;
  required: boolean;
  schema: JsonSchema;
}

export type FieldSpec =
  | (FieldBase & {
      kind: 'string';
      multiline: boolean;
      inputType: 'text' | 'email' | 'url' | 'date' | 'datetime-local';
    })
  | (FieldBase & { kind: 'number' | 'integer' })
  | (FieldBase & { kind: 'boolean' })
  | (FieldBase & { kind: 'enum'; options: readonly (string | number | boolean | null)[] })
  | (FieldBase & {
      kind: 'array';
      item: PrimitiveKind;
      itemOptions: readonly (string | number | boolean)[] | undefined;
    })
  | (FieldBase & { kind: 'object'; children: FieldSpec[] })
  | (FieldBase & { kind: 'json' });

export type ArrayRow = { value: string };
export type FormValues = Record<string, unknown>;

const MAX_DEPTH = 4;

/** The fields for an object schema; `null` when the root is not a plain object (use raw JSON for all of it). */
export function buildFields(schema: JsonSchema): FieldSpec[] | null {
  const counter = { next: 0 };
  if (!isObjectSchema(schema)) return null;
  return objectChildren(schema, counter, 0);
}

function isObjectSchema(schema: JsonSchema): boolean {
  const type = schema.type;
  if (type === 'object') return true;
  if (type === undefined && isRecord(schema.properties)) return true;
  return false;
}

function objectChildren(schema: JsonSchema, counter: { next: number }, depth: number): FieldSpec[] {
  const properties = isRecord(schema.properties) ? schema.properties : {};
  const required = new Set(
    Array.isArray(schema.required) ? schema.required.filter((r) => typeof r === 'string') : [],
  );
  return Object.entries(properties).map(([key, child]) =>
    fieldFor(key, isRecord(child) ? child : {}, required.has(key), counter, depth),
  );
}

function fieldFor(
  key: string,
  raw: JsonSchema,
  required: boolean,
  counter: { next: number },
  depth: number,
): FieldSpec {
  const schema = unwrapNullable(raw);
  const base: FieldBase = {
    id: `f${counter.next++}`,
    key,
    label: typeof schema.title === 'string' && schema.title ? schema.title : key,
    description: typeof schema.description === 'string' ? schema.description : undefined,
    required,
    schema,
  };
  if (schema.const !== undefined && isPrimitive(schema.const))
    return { ...base, kind: 'enum', options: [schema.const] };
  if (Array.isArray(schema.enum) && schema.enum.length > 0 && schema.enum.every(isPrimitive)) {
    return { ...base, kind: 'enum', options: schema.enum as (string | number | boolean | null)[] };
  }
  const type = singleType(schema);
  switch (type) {
    case 'string':
      return {
        ...base,
        kind: 'string',
        multiline: isLongText(key, schema),
        inputType: inputTypeFor(schema.format),
      };
    case 'number':
    case 'integer':
      return { ...base, kind: type };
    case 'boolean':
      return { ...base, kind: 'boolean' };
    case 'array': {
      const items = isRecord(schema.items) ? unwrapNullable(schema.items) : undefined;
      const itemType = items ? singleType(items) : undefined;
      if (
        items &&
        (itemType === 'string' || itemType === 'number' || itemType === 'integer' || itemType === 'boolean')
      ) {
        const itemOptions =
          Array.isArray(items.enum) &&
          items.enum.length > 0 &&
          items.enum.every((v) => isPrimitive(v) && v !== null)
            ? (items.enum as (string | number | boolean)[])
            : undefined;
        return { ...base, kind: 'array', item: itemType, itemOptions };
      }
      return { ...base, kind: 'json' };
    }
    case 'object':
      if (depth < MAX_DEPTH && isRecord(schema.properties) && Object.keys(schema.properties).length > 0) {
        return { ...base, kind: 'object', children: objectChildren(schema, counter, depth + 1) };
      }
      return { ...base, kind: 'json' };
    default:
      return { ...base, kind: 'json' };
  }
}

/** `anyOf: [X, {type: 'null'}]` and `type: ['string', 'null']` are "an optional X". */
function unwrapNullable(schema: JsonSchema): JsonSchema {
  for (const keyword of ['anyOf', 'oneOf'] as const) {
    const options = schema[keyword];
    if (Array.isArray(options)) {
      const nonNull = options.filter((o) => !(isRecord(o) && o.type === 'null'));
      if (nonNull.length === 1 && isRecord(nonNull[0])) {
        const { [keyword]: _dropped, ...rest } = schema;
        return { ...rest, ...nonNull[0] };
      }
    }
  }
  return schema;
}

function singleType(schema: JsonSchema): string | undefined {
  if (
    schema.anyOf !== undefined ||
    schema.oneOf !== undefined ||
    schema.allOf !== undefined ||
    schema.$ref !== undefined
  ) {
    return undefined;
  }
  const type = schema.type;
  if (typeof type === 'string') return type;
  if (Array.isArray(type)) {
    const nonNull = type.filter((t) => t !== 'null');
    return nonNull.length === 1 && typeof nonNull[0] === 'string' ? nonNull[0] : undefined;
  }
  if (type === undefined && isRecord(schema.properties)) return 'object';
  return undefined;
}

function isLongText(key: string, schema: JsonSchema): boolean {
  if (typeof schema.maxLength === 'number' && schema.maxLength > 300) return true;
  return (
    schema.format === undefined && /(content|body|text|code|prompt|message|query|script|markdown)$/i.test(key)
  );
}

function inputTypeFor(format: unknown): 'text' | 'email' | 'url' | 'date' | 'datetime-local' {
  switch (format) {
    case 'email':
      return 'email';
    case 'uri':
    case 'url':
      return 'url';
    case 'date':
      return 'date';
    default:
      return 'text';
  }
}

/** The form's starting values: schema defaults where given, blanks otherwise. */
export function initialValues(fields: readonly FieldSpec[]): FormValues {
  const values: FormValues = {};
  for (const field of fields) {
    const def = field.schema.default;
    switch (field.kind) {
      case 'string':
        values[field.id] = typeof def === 'string' ? def : '';
        break;
      case 'number':
      case 'integer':
        values[field.id] = typeof def === 'number' ? String(def) : '';
        break;
      case 'boolean':
        values[field.id] = def === true;
        break;
      case 'enum': {
        const index = def === undefined ? -1 : field.options.findIndex((o) => o === def);
        values[field.id] =
          index >= 0 ? String(index) : field.required && field.options.length === 1 ? '0' : '';
        break;
      }
      case 'array':
        values[field.id] = Array.isArray(def) ? def.map((v) => ({ value: String(v) })) : [];
        break;
      case 'object':
        Object.assign(values, initialValues(field.children));
        break;
      case 'json':
        values[field.id] = def === undefined ? '' : JSON.stringify(def, null, 2);
        break;
    }
  }
  return values;
}

export interface Conversion {
  args: Record<string, unknown>;
  /** Problems keyed by field id, one message each. */
  errors: Record<string, string>;
}

/** Converts form values into the tool's arguments, coercing types and checking what the schema asks. */
export function toArguments(fields: readonly FieldSpec[], values: FormValues): Conversion {
  const args: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const field of fields) {
    const outcome = convertField(field, values);
    if (outcome.error) errors[field.id] = outcome.error;
    Object.assign(errors, outcome.childErrors ?? {});
    if (outcome.present) args[field.key] = outcome.value;
  }
  return { args, errors };
}

interface FieldOutcome {
  present: boolean;
  value?: unknown;
  error?: string;
  childErrors?: Record<string, string>;
}

function convertField(field: FieldSpec, values: FormValues): FieldOutcome {
  const raw = values[field.id];
  const missing = (): FieldOutcome =>
    field.required ? { present: false, error: 'is required' } : { present: false };
  switch (field.kind) {
    case 'string': {
      const text = typeof raw === 'string' ? raw : '';
      if (text === '') return missing();
      const problem = checkString(text, field.schema);
      return problem ? { present: false, error: problem } : { present: true, value: text };
    }
    case 'number':
    case 'integer': {
      const text = typeof raw === 'string' ? raw.trim() : typeof raw === 'number' ? String(raw) : '';
      if (text === '') return missing();
      const parsed = parseNumber(text, field.kind, field.schema);
      return typeof parsed === 'string'
        ? { present: false, error: parsed }
        : { present: true, value: parsed };
    }
    case 'boolean': {
      const checked = raw === true;
      const def = field.schema.default;
      // An unticked optional box means "leave it to the tool", unless the tool's default is true.
      if (!field.required && !checked && def !== true) return { present: false };
      return { present: true, value: checked };
    }
    case 'enum': {
      const text = typeof raw === 'string' ? raw : '';
      if (text === '') return missing();
      const option = field.options[Number(text)];
      return option === undefined
        ? { present: false, error: 'pick one of the options' }
        : { present: true, value: option };
    }
    case 'array': {
      const rows = Array.isArray(raw) ? (raw as ArrayRow[]) : [];
      const items: unknown[] = [];
      for (const [index, row] of rows.entries()) {
        const text = field.item === 'string' ? row.value : row.value.trim();
        if (text === '' && field.item !== 'boolean') continue;
        const item = coerceItem(text, field.item);
        if (typeof item === 'object' && item !== null && 'error' in item) {
          return { present: false, error: `item ${index + 1} ${item.error}` };
        }
        items.push(item);
      }
      if (items.length === 0 && !field.required) return { present: false };
      const minItems = field.schema.minItems;
      if (typeof minItems === 'number' && items.length < minItems) {
        return { present: false, error: `needs at least ${minItems} item${minItems === 1 ? '' : 's'}` };
      }
      return { present: true, value: items };
    }
    case 'object': {
      const inner = toArguments(field.children, values);
      const empty = Object.keys(inner.args).length === 0;
      if (!field.required && empty) return { present: false };
      return { present: true, value: inner.args, childErrors: inner.errors };
    }
    case 'json': {
      const text = typeof raw === 'string' ? raw.trim() : '';
      if (text === '') return missing();
      try {
        return { present: true, value: JSON.parse(text) };
      } catch (error) {
        return {
          present: false,
          error: `is not valid JSON (${error instanceof Error ? error.message : 'parse error'})`,
        };
      }
    }
  }
}

function checkString(text: string, schema: JsonSchema): string | undefined {
  if (typeof schema.minLength === 'number' && text.length < schema.minLength) {
    return `must be at least ${schema.minLength} characters`;
  }
  if (typeof schema.maxLength === 'number' && text.length > schema.maxLength) {
    return `must be at most ${schema.maxLength} characters`;
  }
  if (typeof schema.pattern === 'string') {
    try {
      if (!new RegExp(schema.pattern, 'u').test(text)) return `must match the pattern ${schema.pattern}`;
    } catch {
      // A pattern this browser cannot compile is the tool's problem; let the tool judge.
    }
  }
  return undefined;
}

function parseNumber(text: string, kind: 'number' | 'integer', schema: JsonSchema): number | string {
  const value = Number(text);
  if (!Number.isFinite(value)) return 'must be a number';
  if (kind === 'integer' && !Number.isInteger(value)) return 'must be a whole number';
  if (typeof schema.minimum === 'number' && value < schema.minimum)
    return `must be at least ${schema.minimum}`;
  if (typeof schema.maximum === 'number' && value > schema.maximum)
    return `must be at most ${schema.maximum}`;
  if (typeof schema.exclusiveMinimum === 'number' && value <= schema.exclusiveMinimum) {
    return `must be more than ${schema.exclusiveMinimum}`;
  }
  if (typeof schema.exclusiveMaximum === 'number' && value >= schema.exclusiveMaximum) {
    return `must be less than ${schema.exclusiveMaximum}`;
  }
  return value;
}

function coerceItem(text: string, kind: PrimitiveKind): unknown {
  switch (kind) {
    case 'string':
      return text;
    case 'boolean':
      if (text === 'true') return true;
      if (text === 'false') return false;
      return { error: 'must be true or false' };
    case 'number':
    case 'integer': {
      const parsed = parseNumber(text, kind, {});
      return typeof parsed === 'string' ? { error: parsed } : parsed;
    }
  }
}

/** Puts an arguments object back into form values (for switching from JSON to the form), best effort. */
export function valuesFromArguments(fields: readonly FieldSpec[], args: Record<string, unknown>): FormValues {
  const values = initialValues(fields);
  for (const field of fields) {
    const value = args[field.key];
    if (value === undefined) continue;
    switch (field.kind) {
      case 'string':
        if (typeof value === 'string') values[field.id] = value;
        break;
      case 'number':
      case 'integer':
        if (typeof value === 'number') values[field.id] = String(value);
        break;
      case 'boolean':
        values[field.id] = value === true;
        break;
      case 'enum': {
        const index = field.options.findIndex((o) => o === value);
        if (index >= 0) values[field.id] = String(index);
        break;
      }
      case 'array':
        if (Array.isArray(value)) values[field.id] = value.map((v) => ({ value: String(v) }));
        break;
      case 'object':
        if (isRecord(value)) Object.assign(values, valuesFromArguments(field.children, value));
        break;
      case 'json':
        values[field.id] = JSON.stringify(value, null, 2);
        break;
    }
  }
  return values;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPrimitive(value: unknown): value is string | number | boolean | null {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}
