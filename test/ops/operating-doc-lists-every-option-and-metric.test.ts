import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { optionInfo } from '../../server/config/option-info.js';
import { createMetrics } from '../../server/observability/metrics.js';

describe('docs/OPERATING.md', () => {
  it('documents every option and every quire metric the code defines', async () => {
    const doc = await readFile(new URL('../../docs/OPERATING.md', import.meta.url), 'utf8');
    for (const [key, info] of Object.entries(optionInfo)) {
      expect(doc, `option ${key}`).toContain(`\`--${info.flag}`);
      expect(doc, `option ${key}`).toContain(`\`${info.env}\``);
      expect(doc, `option ${key}`).toContain(`\`${key}\``);
    }
    const names = (await createMetrics().registry.getMetricsAsJSON()).map((m) => m.name).filter((name) => name.startsWith('quire_'));
    expect(names.length).toBeGreaterThan(10);
    for (const name of names) expect(doc, `metric ${name}`).toContain(`\`${name}`);
  });
});
