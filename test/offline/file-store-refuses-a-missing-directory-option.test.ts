import { describe, expect, it } from 'vitest';
import { FileOfflineStore, type FileOfflineStoreOptions } from '../../client/file-store.js';

describe('FileOfflineStore options', () => {
  it('refuses at construction an options object without a directory, naming the option', () => {
    // A plain-JavaScript caller's misspelt option, as the type system would otherwise hide it.
    const misspelt = { dir: '/tmp/offline' } as unknown as FileOfflineStoreOptions;
    expect(() => new FileOfflineStore(misspelt)).toThrow(/directory/);
    expect(() => new FileOfflineStore({ directory: '' })).toThrow(TypeError);
  });
});
