import { describe, expect, it } from 'vitest';
import { defaultText, optionInfo } from '../../server/config/option-info.js';
import { runCli } from '../helpers/ops/cli-process.js';

describe('quire --help', () => {
  it('lists every option with its flag, environment variable, default and allowed values, and exits 0', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: y-quire [options]');
    for (const [key, info] of Object.entries(optionInfo)) {
      expect(result.stdout).toContain(`--${info.flag}`);
      expect(result.stdout).toContain(`env ${info.env}`);
      expect(result.stdout).toContain(`"${key}"`);
      expect(result.stdout).toContain(`default: ${defaultText(key as keyof typeof optionInfo)}`);
      expect(result.stdout).toContain(`allowed: ${info.allowed}`);
    }
    expect(result.stdout).toContain('--config <file>');
    expect(result.stdout).toContain('default: 3000');
    expect(result.stdout).toContain('default: 127.0.0.1');
    expect(result.stdout).toContain('default: ./data');
  });

  it('prints the version with --version', async () => {
    const result = await runCli(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
