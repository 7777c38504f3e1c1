import { defineConfig } from 'vite';
import { exampleViteConfig } from '../vite.shared.js';
import { offlineShellPlugin } from './offline-shell-plugin.js';

const config = exampleViteConfig('rich-text');

export default defineConfig({ ...config, plugins: [...(config.plugins ?? []), offlineShellPlugin()] });
