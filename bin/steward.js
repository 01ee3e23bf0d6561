#!/usr/bin/env node
// The installed command. Runs the built CLI; `npm run build` (part of npm start and npm test) makes it.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const built = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(built))) {
  console.error('steward: the CLI is not built yet; run `npm run build` first');
  process.exit(2);
}
await import(built.href);
