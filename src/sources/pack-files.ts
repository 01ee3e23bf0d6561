import { readFile, readdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Pack } from '../domain/pack.js';
import { parsePack } from '../engine/pack-parser.js';

/** The repository root, whether running from src/ (tsx) or dist/ (built). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const PACKS_DIR = path.join(REPO_ROOT, 'packs');

export async function loadPackFile(file: string): Promise<Pack> {
  const text = await readFile(file, 'utf8');
  return parsePack(text, path.relative(process.cwd(), file) || file);
}

/** Every pack shipped under packs/<library>/pack.yaml, in library-id order. */
export async function loadShippedPacks(dir = PACKS_DIR): Promise<Pack[]> {
  const entries = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  const packs: Pack[] = [];
  for (const name of entries) {
    const file = path.join(dir, name, 'pack.yaml');
    if (existsSync(file)) packs.push(await loadPackFile(file));
  }
  return packs;
}

/**
 * The shipped pack of one library: its own file when the folder is named after the library (as they
 * all are), so a command about one library parses one pack, not all of them; otherwise every pack.
 */
export async function loadShippedPack(libraryId: string, dir = PACKS_DIR): Promise<Pack | undefined> {
  const file = path.join(dir, path.basename(libraryId), 'pack.yaml');
  if (existsSync(file)) {
    const pack = await loadPackFile(file);
    if (pack.library.id === libraryId) return pack;
  }
  return (await loadShippedPacks(dir)).find((p) => p.library.id === libraryId);
}
