import { describe, expect, it } from 'vitest';
import { closestFlag } from '../../server/config/closest-flag.js';

const known = ['port', 'host', 'data', 'store', 'max-connections', 'max-connections-per-address', 'log-level'];

describe('closestFlag', () => {
  it('suggests the known flag a typo was meant to be, swapped letters included', () => {
    expect(closestFlag('prot', known)).toBe('port');
    expect(closestFlag('max-conections', known)).toBe('max-connections');
    expect(closestFlag('log-levle', known)).toBe('log-level');
  });

  it('suggests nothing for a word that is not close to any flag', () => {
    expect(closestFlag('colour', known)).toBeNull();
    expect(closestFlag('data-dir', known)).toBeNull();
  });
});
