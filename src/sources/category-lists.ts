import { readFile, readdir, stat } from 'node:fs/promises';
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import path from 'node:path';
import type { CategoryIndex } from '../engine/category-index.js';

const gunzipAsync = promisify(gunzip);

export interface LoadCategoryOptions {
  /** Load only these categories (directory names); a name with no directory is an error. */
  categories?: string[];
}

export interface LoadCategoryResult {
  /** Categories loaded, in the order they were added (ids follow this order for a fresh index). */
  categories: string[];
  /** Domain entries read across all `domains` files. */
  domains: number;
  /** URL entries read across all `urls` files. */
  urls: number;
}

/**
 * Reads a squidGuard / UT1 blacklist directory — `<dir>/<category>/domains` and `.../urls`, either
 * plain or gzipped (`domains.gz`) — into the index. Either file may be missing; a category with
 * neither is still defined, so a library can refer to it. Categories are read in name order so
 * their ids are stable from one load to the next. `expressions` files (regular expressions) are
 * not read: matching them per request is what the index exists to avoid.
 */
export async function loadCategoryDirectory(dir: string, index: CategoryIndex, options: LoadCategoryOptions = {}): Promise<LoadCategoryResult> {
  const available = await categoryDirectories(dir);
  let selected = available;
  if (options.categories !== undefined) {
    const missing = options.categories.filter((c) => !available.includes(c));
    if (missing.length > 0) {
      throw new Error(`no category director${missing.length === 1 ? 'y' : 'ies'} for ${missing.map((m) => `"${m}"`).join(', ')} in ${dir} (found: ${available.join(', ') || 'none'})`);
    }
    selected = [...new Set(options.categories)];
  }
  const result: LoadCategoryResult = { categories: [], domains: 0, urls: 0 };
  for (const category of selected) {
    index.defineCategory(category);
    const domains = await readList(path.join(dir, category, 'domains'));
    if (domains !== null) result.domains += index.addDomains(category, domains);
    const urls = await readList(path.join(dir, category, 'urls'));
    if (urls !== null) result.urls += index.addUrls(category, urls);
    result.categories.push(category);
  }
  return result;
}

/** Sub-directories (symlinks followed: UT1 aliases categories that way), sorted by name. */
async function categoryDirectories(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names: string[] = [];
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    if (e.isDirectory() || (e.isSymbolicLink() && (await stat(path.join(dir, e.name)).catch(() => null))?.isDirectory())) names.push(e.name);
  }
  return names.sort();
}

/** A list file's bytes, from `file` or else `file.gz`; null when neither exists. */
async function readList(file: string): Promise<Buffer | null> {
  const plain = await readIfExists(file);
  if (plain !== null) return plain;
  const gz = await readIfExists(`${file}.gz`);
  if (gz === null) return null;
  try {
    return await gunzipAsync(gz);
  } catch (err) {
    throw new Error(`${file}.gz is not a readable gzip file: ${(err as Error).message}`);
  }
}

async function readIfExists(file: string): Promise<Buffer | null> {
  try {
    return await readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}
