const ELLIPSIS = '…';
const COLUMN_GAP = '  ';

export interface TableOptions {
  /** Widest each column may grow, in characters; a longer cell is cut and ends in "…". */
  maxWidths?: readonly (number | undefined)[];
  /** Text put before every line, such as two spaces to indent the table. */
  indent?: string;
}

/**
 * Formats rows (the header first) as left-aligned columns two spaces apart, one string per line
 * without trailing spaces. Widths count code points, so a cut never splits a surrogate pair.
 */
export function formatTable(rows: readonly string[][], options: TableOptions = {}): string[] {
  const cells = rows.map((row) =>
    row.map((cell, column) => truncate(cell, options.maxWidths?.[column])),
  );
  const columns = Math.max(0, ...cells.map((row) => row.length));
  const widths = Array.from({ length: columns }, (_, column) =>
    Math.max(0, ...cells.map((row) => length(row[column] ?? ''))),
  );

  return cells.map((row) => {
    const padded = row.map((cell, column) => cell + ' '.repeat(widths[column]! - length(cell)));
    return `${options.indent ?? ''}${padded.join(COLUMN_GAP)}`.trimEnd();
  });
}

function truncate(cell: string, maxWidth: number | undefined): string {
  if (maxWidth === undefined) return cell;
  const characters = [...cell];
  if (characters.length <= maxWidth) return cell;
  return characters.slice(0, Math.max(0, maxWidth - 1)).join('') + ELLIPSIS;
}

function length(text: string): number {
  return [...text].length;
}
