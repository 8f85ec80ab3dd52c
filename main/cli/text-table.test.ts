import { describe, expect, it } from 'vitest';

import { formatTable } from './text-table.ts';

describe('text table', () => {
  it('aligns columns two spaces apart', () => {
    const lines = formatTable([
      ['NETWORK', 'RESULT'],
      ['Office', 'up'],
      ['Azure VNet', 'refused'],
    ]);

    expect(lines).toEqual(['NETWORK     RESULT', 'Office      up', 'Azure VNet  refused']);
  });

  it('drops trailing spaces of empty last cells', () => {
    expect(
      formatTable([
        ['A', 'LATENCY'],
        ['b', ''],
      ]),
    ).toEqual(['A  LATENCY', 'b']);
  });

  it('cuts a long cell with an ellipsis', () => {
    const lines = formatTable(
      [
        ['NETWORK', 'RESULT'],
        ['N'.repeat(300), 'up'],
      ],
      { maxWidths: [10] },
    );

    expect(lines[1]).toBe(`${'N'.repeat(9)}…  up`);
    expect(lines[0]).toBe('NETWORK     RESULT');
  });

  it('keeps a cell of exactly the maximum width', () => {
    expect(formatTable([['0123456789', 'x']], { maxWidths: [10] })).toEqual(['0123456789  x']);
  });

  it('never splits a surrogate pair', () => {
    const lines = formatTable([['😀😀😀😀', 'x']], { maxWidths: [3] });

    expect(lines[0]).toBe('😀😀…  x');
  });

  it('indents every line', () => {
    expect(formatTable([['A'], ['b']], { indent: '  ' })).toEqual(['  A', '  b']);
  });
});
