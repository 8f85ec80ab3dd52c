import { describe, expect, it } from 'vitest';

import { positiveNumberUpTo, wholeNumberFromTo } from './number-options.ts';

describe('positive number option', () => {
  it('accepts a fraction and the maximum', () => {
    expect(positiveNumberUpTo('0.2', '--interval', 86_400, 'seconds')).toBe(0.2);
    expect(positiveNumberUpTo('86400', '--interval', 86_400, 'seconds')).toBe(86_400);
  });

  it.each(['0', '-1', '86401', '1e12', 'NaN', 'Infinity', '', ' ', 'soon'])(
    'rejects "%s"',
    (text) => {
      expect(() => positiveNumberUpTo(text, '--interval', 86_400, 'seconds')).toThrow(
        `Invalid --interval "${text}": expected a number of seconds greater than 0 and at most 86400.`,
      );
    },
  );
});

describe('whole number option', () => {
  it('accepts both bounds', () => {
    expect(wholeNumberFromTo('0', '--port', 0, 65535)).toBe(0);
    expect(wholeNumberFromTo('65535', '--port', 0, 65535)).toBe(65535);
  });

  it.each(['-1', '65536', '1.5', '', 'eighty'])('rejects "%s"', (text) => {
    expect(() => wholeNumberFromTo(text, '--port', 0, 65535)).toThrow(
      `Invalid --port "${text}": expected a whole number from 0 to 65535.`,
    );
  });
});
