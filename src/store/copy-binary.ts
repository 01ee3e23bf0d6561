/**
 * PostgreSQL's binary COPY format, written into one growing buffer: a header, then per row a field
 * count and each field as a length and its bytes (-1 for NULL), then a trailer. Numbers go in as
 * they are, with no text to build on this side or to parse on the server's, which is what makes
 * COPY … (FORMAT binary) the cheapest way to hand PostgreSQL many rows.
 * https://www.postgresql.org/docs/current/sql-copy.html#id-1.9.3.55.9.4
 */
const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const TWO_32 = 4_294_967_296;
/** Bytes reserved for a row's numbers and lengths: 16 fields of at most 12. */
const ROW_ROOM = 256;

/** A 32-bit integer, big-endian, signed or not (the bytes are the same). */
function be32(b: Buffer, at: number, value: number): void {
  b[at] = value >>> 24;
  b[at + 1] = value >>> 16;
  b[at + 2] = value >>> 8;
  b[at + 3] = value;
}

export class BinaryCopyWriter {
  private buf: Buffer = Buffer.allocUnsafe(1 << 20);
  private at = 0;

  /** Starts a new COPY body (the buffer is reused from one to the next). */
  begin(): void {
    this.at = 0;
    this.ensure(SIGNATURE.length + 8);
    SIGNATURE.copy(this.buf, 0);
    this.at = SIGNATURE.length;
    this.buf.writeInt32BE(0, this.at); // flags
    this.buf.writeInt32BE(0, this.at + 4); // header extension length
    this.at += 8;
  }

  /** Starts a row of `fields` fields (at most ROW_ROOM bytes of them fixed-width). */
  row(fields: number): void {
    this.ensure(2 + ROW_ROOM);
    const b = this.buf;
    const at = this.at;
    b[at] = fields >>> 8;
    b[at + 1] = fields;
    this.at = at + 2;
  }

  // The numbers are stored byte by byte (be32): Buffer's writeInt32BE checks its arguments on every
  // call, and a batch writes twenty of them per row. row() reserved the room.
  int4(value: number | null): void {
    if (value === null) return this.null();
    be32(this.buf, this.at, 4);
    be32(this.buf, this.at + 4, value);
    this.at += 8;
  }

  /** A bigint from a JS number (safe integers; offsets and epoch milliseconds). */
  int8(value: number): void {
    const hi = Math.floor(value / TWO_32);
    be32(this.buf, this.at, 8);
    be32(this.buf, this.at + 4, hi);
    be32(this.buf, this.at + 8, value - hi * TWO_32);
    this.at += 12;
  }

  text(value: string | null): void {
    if (value === null) return this.null();
    // Room for the rest of the row's fixed-width fields too (row() reserved them before this text).
    this.ensure(4 + value.length * 3 + ROW_ROOM);
    const n = this.buf.write(value, this.at + 4, 'utf8');
    be32(this.buf, this.at, n);
    this.at += 4 + n;
  }

  null(): void {
    be32(this.buf, this.at, -1);
    this.at += 4;
  }

  /** Ends the body; the returned bytes are valid until the next begin(). */
  end(): Buffer {
    this.ensure(2);
    this.buf.writeInt16BE(-1, this.at);
    this.at += 2;
    return this.buf.subarray(0, this.at);
  }

  private ensure(bytes: number): void {
    if (this.at + bytes <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + bytes));
    this.buf.copy(grown, 0, 0, this.at);
    this.buf = grown;
  }
}
