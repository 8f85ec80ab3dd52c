/**
 * Parsers for nmcli's `--terse` output, as printed by nmcli 1.42 with LC_ALL=C.
 *
 * nmcli has two terse layouts. A table (`nmcli -t -f NAME,UUID connection show`) prints one
 * line per row with the fields separated by ":", and escapes ":" as "\:" and "\" as "\\" inside
 * values. A property list (`nmcli -t -f connection.id,vpn.data connection show UUID`) prints one
 * `name:value` line per property and does not escape the value at all. Neither layout escapes a
 * line break, so a value with a line break (a connection name can contain one) cannot be read
 * back for certain. The callers list only fields that cannot contain one, or fields of the
 * connections the driver named itself.
 */

/** Raised for output that does not have the layout the caller asked nmcli for. */
export class TerseOutputError extends Error {
  override name = 'TerseOutputError';
}

/** Splits one line of a terse table into its fields and removes nmcli's escaping. */
export function splitTerseLine(line: string): string[] {
  const fields: string[] = [];
  let field = '';

  for (let index = 0; index < line.length; index++) {
    const character = line[index]!;
    const next = line[index + 1];
    if (character === '\\' && (next === ':' || next === '\\')) {
      field += next;
      index++;
      continue;
    }
    if (character === ':') {
      fields.push(field);
      field = '';
      continue;
    }
    field += character;
  }
  fields.push(field);
  return fields;
}

/**
 * Parses a terse table whose columns are `fields`, in the order given to `--fields`. Raises a
 * TerseOutputError for a line with another number of fields, which is what a value with a line
 * break produces.
 */
export function parseTerseTable<Field extends string>(
  output: string,
  fields: readonly Field[],
): Record<Field, string>[] {
  return outputLines(output).map((line, index) => {
    const values = splitTerseLine(line);
    if (values.length !== fields.length) {
      throw new TerseOutputError(
        `Line ${index + 1} of nmcli's output has ${values.length} fields where ${fields.length} ` +
          `(${fields.join(', ')}) were expected: ${JSON.stringify(line)}`,
      );
    }
    return Object.fromEntries(
      fields.map((field, position) => [field, values[position]!]),
    ) as Record<Field, string>;
  });
}

// A property name such as connection.id, vpn.data, GENERAL.STATE or IP4.ADDRESS[1].
const PROPERTY_LINE = /^([A-Za-z0-9-]+\.[A-Za-z0-9-]+(?:\[\d+\])?):/;

/**
 * Parses a terse property list into a map from property name to value. A line that does not
 * start with a property name continues the previous value after a line break.
 */
export function parseTerseProperties(output: string): Map<string, string> {
  const properties = new Map<string, string>();
  let last: string | undefined;

  for (const line of outputLines(output)) {
    const match = PROPERTY_LINE.exec(line);
    if (match !== null) {
      last = match[1]!;
      properties.set(last, line.slice(match[0].length));
      continue;
    }
    if (last === undefined) {
      throw new TerseOutputError(
        `nmcli's output starts with ${JSON.stringify(line)}, which is not a property line.`,
      );
    }
    properties.set(last, `${properties.get(last)}\n${line}`);
  }
  return properties;
}

/**
 * Returns the values of a property that nmcli numbers, such as IP4.ADDRESS[1], IP4.ADDRESS[2],
 * in their order.
 */
export function numberedValues(properties: Map<string, string>, name: string): string[] {
  const values: [number, string][] = [];
  for (const [key, value] of properties) {
    if (!key.startsWith(`${name}[`) || !key.endsWith(']')) continue;
    values.push([Number(key.slice(name.length + 1, -1)), value]);
  }
  return values.sort(([a], [b]) => a - b).map(([, value]) => value);
}

/**
 * Parses `vpn.data` as nmcli prints it: `key = value` items separated by ", ", where a value
 * escapes "," as "\," and "\" as "\\".
 */
export function parseVpnData(text: string): Map<string, string> {
  const items: string[] = [];
  let item = '';

  for (let index = 0; index < text.length; index++) {
    const character = text[index]!;
    const next = text[index + 1];
    if (character === '\\' && (next === ',' || next === '\\')) {
      item += next;
      index++;
      continue;
    }
    if (character === ',') {
      items.push(item);
      item = '';
      if (next === ' ') index++;
      continue;
    }
    item += character;
  }
  if (item !== '' || items.length > 0) items.push(item);

  const data = new Map<string, string>();
  for (const entry of items) {
    const separator = entry.indexOf(' = ');
    if (separator <= 0) {
      throw new TerseOutputError(
        `vpn.data contains ${JSON.stringify(entry)}, which is not a "key = value" item.`,
      );
    }
    data.set(entry.slice(0, separator), entry.slice(separator + 3));
  }
  return data;
}

/** Splits a list value such as ipv4.routes or NetworkManager's remote list at ", ". */
export function splitList(value: string): string[] {
  return value
    .split(', ')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function outputLines(output: string): string[] {
  const lines = output.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}
