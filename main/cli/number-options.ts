import { UsageError } from './cli-error.ts';

/**
 * Parses a numeric option that must be greater than 0 and at most `max`. The upper bound keeps
 * values within what timers accept: Node clamps a delay above 2^31 - 1 ms to 1 ms and warns.
 */
export function positiveNumberUpTo(
  text: string,
  option: string,
  max: number,
  unit: string,
): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0 || value > max) {
    throw new UsageError(
      `Invalid ${option} "${text}": expected a number of ${unit} greater than 0 and at most ${max}.`,
    );
  }
  return value;
}

/** Parses a whole-number option from `min` to `max`, both included. */
export function wholeNumberFromTo(text: string, option: string, min: number, max: number): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(
      `Invalid ${option} "${text}": expected a whole number from ${min} to ${max}.`,
    );
  }
  return value;
}
