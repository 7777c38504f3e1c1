/**
 * Flags and environment variables arrive as strings; a config file has JSON types. These wrappers
 * turn the strings that clearly mean a number, boolean or list into one and leave everything else
 * alone, so the schema itself reports a wrong value (naming it) instead of a coercion guessing.
 */
import { z } from 'zod';

const INTEGER = /^-?\d+$/;
const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

export function integer(min: number, max: number) {
  return z.preprocess(
    (value) => (typeof value === 'string' && INTEGER.test(value.trim()) ? Number(value.trim()) : value),
    z.number().int().min(min).max(max),
  );
}

export function boolean() {
  return z.preprocess((value) => {
    if (typeof value !== 'string') return value;
    const word = value.trim().toLowerCase();
    return TRUE.has(word) ? true : FALSE.has(word) ? false : value;
  }, z.boolean());
}

/** A comma-separated list from a flag or variable, an array in a config file. */
export function list<T extends z.ZodType>(item: T) {
  return z.preprocess(
    (value) =>
      typeof value === 'string'
        ? value
            .split(',')
            .map((part) => part.trim())
            .filter((part) => part.length > 0)
        : value,
    z.array(item).min(1),
  );
}

/**
 * A token-bucket rate: "<perSecond>/<burst>" from a flag or variable (e.g. "100/300"), that string
 * or `{ "perSecond": 100, "burst": 300 }` in a config file.
 */
export function rate() {
  return z.preprocess((value) => {
    if (typeof value !== 'string') return value;
    const match = /^\s*(\d+(?:\.\d+)?)\s*\/\s*(\d+)\s*$/.exec(value);
    return match === null ? value : { perSecond: Number(match[1]), burst: Number(match[2]) };
  }, z.object({ perSecond: z.number().positive(), burst: z.number().int().min(1) }).strict());
}
