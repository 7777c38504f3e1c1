import { defineConfig } from 'vite';
import { exampleViteConfig } from '../vite.shared.js';

export default defineConfig(exampleViteConfig('rich-text'));
