import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, writeFile, rm, symlink } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CategoryIndex } from '../engine/category-index.js';
import { loadCategoryDirectory } from './category-lists.js';

async function withListDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'steward-lists-'));
  try {
    await mkdir(path.join(dir, 'gambling'));
    await writeFile(path.join(dir, 'gambling', 'domains'), '# UT1 gambling\ncasino.example\n.poker.example\n');
    await writeFile(path.join(dir, 'gambling', 'urls'), 'files.example.net/betting\n');
    await mkdir(path.join(dir, 'adult'));
    await writeFile(path.join(dir, 'adult', 'domains.gz'), gzipSync(Buffer.from('adult.example\nXXX.example\n')));
    await writeFile(path.join(dir, 'adult', 'urls.gz'), gzipSync(Buffer.from('pages.example.org/nsfw\n')));
    await mkdir(path.join(dir, 'news'));
    await writeFile(path.join(dir, 'news', 'domains'), 'daily.example\n');
    await mkdir(path.join(dir, 'empty')); // a category with neither file
    await writeFile(path.join(dir, 'README'), 'not a category');
    await symlink(path.join(dir, 'news'), path.join(dir, 'press'));
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('loads every category directory, plain and gzipped, in name order', async () => {
  await withListDir(async (dir) => {
    const index = new CategoryIndex();
    const result = await loadCategoryDirectory(dir, index);
    assert.deepEqual(result, { categories: ['adult', 'empty', 'gambling', 'news', 'press'], domains: 6, urls: 2 });
    assert.deepEqual(index.categories, ['adult', 'empty', 'gambling', 'news', 'press']);
    assert.deepEqual(index.categoriesOf('www.casino.example'), ['gambling']);
    assert.deepEqual(index.categoriesOf('a.poker.example'), ['gambling']);
    assert.deepEqual(index.categoriesOf('xxx.example'), ['adult']);
    assert.deepEqual(index.categoriesOf('pages.example.org', '/nsfw/1'), ['adult']);
    assert.deepEqual(index.categoriesOf('files.example.net', '/betting/today'), ['gambling']);
    assert.deepEqual(index.categoriesOf('daily.example'), ['news', 'press']);
    assert.notEqual(index.categoryIdOf('empty'), -1);
  });
});

test('the categories option selects, and names a missing category clearly', async () => {
  await withListDir(async (dir) => {
    const index = new CategoryIndex();
    const result = await loadCategoryDirectory(dir, index, { categories: ['news', 'gambling'] });
    assert.deepEqual(result, { categories: ['news', 'gambling'], domains: 3, urls: 1 });
    assert.deepEqual(index.categoriesOf('adult.example'), []);
    await assert.rejects(loadCategoryDirectory(dir, new CategoryIndex(), { categories: ['news', 'violence'] }), /no category directory for "violence"/);
  });
});

test('a corrupt .gz file is reported with its path', async () => {
  await withListDir(async (dir) => {
    await writeFile(path.join(dir, 'news', 'urls.gz'), 'not gzip at all');
    await assert.rejects(loadCategoryDirectory(dir, new CategoryIndex(), { categories: ['news'] }), /news\/urls\.gz is not a readable gzip file/);
  });
});

test('a missing directory rejects', async () => {
  await assert.rejects(loadCategoryDirectory(path.join(tmpdir(), 'steward-no-such-dir-xyz'), new CategoryIndex()), /ENOENT/);
});
