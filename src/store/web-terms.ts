/**
 * The strings of web events travel and are stored as numbers (web_terms). A TermEncoder, on the side
 * that fills batches, gives each distinct string a local number the first time it sees it and lists
 * it as `added`; the side that writes keeps `local number → web_terms id` (TermIds) and resolves only
 * what was added. Most strings (people, addresses, hosts, methods, categories) repeat, so after the
 * first batches almost nothing is added and a row costs a few array reads.
 *
 * Terms belong to a library. The encoder starts over (`reset`) when the library changes, when it has
 * grown past TERM_LIMIT, and whenever the writer changes (a writer thread starting or ending), so a
 * writer never meets a local number it was not told about.
 */

/** Past this many distinct strings both sides start over: bounded memory on a run of any length. */
export const TERM_LIMIT = 262_144;

/** No string (SQL NULL). */
export const NO_TERM = -1;

export class TermEncoder {
  private ids = new Map<string, number>();
  private libraryId: string | null = null;
  private pendingReset = true;

  /** Makes the next batch start a fresh dictionary on both sides. */
  reset(): void {
    this.ids = new Map();
    this.pendingReset = true;
  }

  /** Begins a batch of `libraryId`; true when the writer must clear its TermIds first. */
  begin(libraryId: string): boolean {
    if (libraryId !== this.libraryId || this.ids.size > TERM_LIMIT) {
      this.libraryId = libraryId;
      this.reset();
    }
    const reset = this.pendingReset;
    this.pendingReset = false;
    return reset;
  }

  /** One string's local number; a new one is appended to `added`. */
  one(value: string | null, added: string[]): number {
    if (value === null) return NO_TERM;
    let id = this.ids.get(value);
    if (id === undefined) {
      id = this.ids.size;
      this.ids.set(value, id);
      added.push(value);
    }
    return id;
  }

  /** Encodes the first n values of a column into `out`. */
  column(values: ReadonlyArray<string | null>, n: number, out: Int32Array, added: string[]): void {
    const ids = this.ids;
    // Neighbouring rows often repeat a value (method, MIME type, categories, the same person).
    let last: string | null | undefined;
    let lastId = NO_TERM;
    for (let i = 0; i < n; i++) {
      const v = values[i] ?? null;
      if (v === last) {
        out[i] = lastId;
        continue;
      }
      let id = NO_TERM;
      if (v !== null) {
        const known = ids.get(v);
        if (known === undefined) {
          id = ids.size;
          ids.set(v, id);
          added.push(v);
        } else id = known;
      }
      out[i] = id;
      last = v;
      lastId = id;
    }
  }
}

/** The writer's side: local number → web_terms id, in the order the encoder numbered them. */
export class TermIds {
  private ids: number[] = [];

  /** Applies a batch's header: clear on reset; returns how many are known (resolve `added` next). */
  begin(reset: boolean): void {
    if (reset) this.ids = [];
  }

  push(id: number): void {
    this.ids.push(id);
  }

  /** The id of a local number; null for NO_TERM. */
  of(local: number): number | null {
    return local < 0 ? null : this.ids[local]!;
  }

  /** After a failed write the ids added by it may name nothing: forget everything (the encoder is reset too). */
  clear(): void {
    this.ids = [];
  }

  get size(): number {
    return this.ids.length;
  }
}
