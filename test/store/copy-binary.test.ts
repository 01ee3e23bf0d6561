import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BinaryCopyWriter } from '../../src/store/copy-binary.js';

/** The same row, built with Buffer's own checked writers, as PostgreSQL's binary COPY format lays it out. */
function expected(int4s: Array<number | null>, int8s: number[], text: string | null): Buffer {
  const parts: Buffer[] = [Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)];
  const count = Buffer.alloc(2);
  count.writeInt16BE(int4s.length + int8s.length + 1);
  parts.push(count);
  for (const v of int4s) {
    const b = Buffer.alloc(v === null ? 4 : 8);
    b.writeInt32BE(v === null ? -1 : 4);
    if (v !== null) b.writeInt32BE(v, 4);
    parts.push(b);
  }
  for (const v of int8s) {
    const b = Buffer.alloc(12);
    b.writeInt32BE(8);
    b.writeBigInt64BE(BigInt(v), 4);
    parts.push(b);
  }
  if (text === null) parts.push(Buffer.from([0xff, 0xff, 0xff, 0xff]));
  else {
    const bytes = Buffer.from(text, 'utf8');
    const len = Buffer.alloc(4);
    len.writeInt32BE(bytes.length);
    parts.push(len, bytes);
  }
  parts.push(Buffer.from([0xff, 0xff]));
  return Buffer.concat(parts);
}

test('binary COPY rows: integers of every sign and size, text and NULL, byte for byte', () => {
  const int4s = [0, 1, 255, 256, 65_535, 2_147_483_647, -1, -2_147_483_648, null];
  const int8s = [0, 1_764_000_000_000, 2 ** 53 - 1, -1, -(2 ** 40) - 7, 4_294_967_296];
  for (const text of ['/päth?q=1', null]) {
    const w = new BinaryCopyWriter();
    w.begin();
    w.row(int4s.length + int8s.length + 1);
    for (const v of int4s) w.int4(v);
    for (const v of int8s) w.int8(v);
    w.text(text);
    assert.deepEqual(w.end(), expected(int4s, int8s, text));
  }
});

test('the buffer grows past its first megabyte without losing rows', () => {
  const w = new BinaryCopyWriter();
  w.begin();
  const rows = 60_000;
  for (let i = 0; i < rows; i++) {
    w.row(2);
    w.int4(i);
    w.text('x'.repeat(i % 40));
  }
  const out = w.end();
  let at = 19;
  for (let i = 0; i < rows; i++) {
    assert.equal(out.readInt16BE(at), 2);
    assert.equal(out.readInt32BE(at + 6), i);
    const len = out.readInt32BE(at + 10);
    assert.equal(len, i % 40);
    at += 14 + len;
  }
  assert.equal(out.readInt16BE(at), -1);
  assert.equal(out.length, at + 2);
});
