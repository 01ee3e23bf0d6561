/**
 * The strings of web events travel and are stored as numbers (web_terms), three times over: the
 * filler numbers each distinct string once (TermDictionary) and fills batches with those numbers; the
 * sink (TermEncoder) turns them into local numbers its writer knows, listing the strings the writer
 * has not seen as `added`; the writer keeps `local number → web_terms id` (TermIds) and resolves only
 * what was added. Most strings (people, addresses, hosts, methods, categories) repeat, so after the
 * first batches almost nothing is added and a row costs a few array reads.
 *
 * Terms belong to a library. The encoder starts over (`reset`) when the library or the dictionary's
 * generation changes, when it has grown past TERM_LIMIT, and whenever the writer changes (a writer
 * thread starting or ending), so a writer never meets a local number it was not told about.
 */

/** Past this many distinct strings both sides start over: bounded memory on a run of any length. */
export const TERM_LIMIT = 262_144;

/** No string (SQL NULL). */
export const NO_TERM = -1;

/**
 * The side that fills batches numbers each distinct string once (`id`), so a batch holds numbers,
 * not strings, and whatever is derived per host or per person can cache its number with it. The
 * dictionary only grows; past TERM_LIMIT the filler calls `reset` between batches, which moves to a
 * new generation (every number cached before is void).
 */
export class TermDictionary {
  private ids = new Map<string, number>();
  /** By number. */
  strings: string[] = [];
  /** Changes at every reset. */
  generation = 0;

  /** The number of a string; NO_TERM for null. */
  id(value: string | null): number {
    if (value === null) return NO_TERM;
    let id = this.ids.get(value);
    if (id === undefined) {
      id = this.strings.length;
      this.strings.push(value);
      this.ids.set(value, id);
    }
    return id;
  }

  get size(): number {
    return this.strings.length;
  }

  get full(): boolean {
    return this.strings.length > TERM_LIMIT;
  }

  reset(): void {
    this.ids = new Map();
    this.strings = [];
    this.generation++;
  }
}

/**
 * The sink's side of the numbering: a batch's dictionary numbers (TermDictionary) become the local
 * numbers its writer knows, and strings its writer has not been told about are listed as `added`.
 * After the first batches almost nothing is added and a cell costs one array read.
 */
export class TermEncoder {
  /** By dictionary number: the local number, or -1 when not sent since the last reset. */
  private localOf = new Int32Array(1024).fill(-1);
  private next = 0;
  /** Strings numbered outside the dictionary (the source's id). */
  private named = new Map<string, number>();
  private libraryId: string | null = null;
  private dictionary: TermDictionary | null = null;
  private generation = -1;
  private pendingReset = true;

  /** Makes the next batch start a fresh dictionary on both sides. */
  reset(): void {
    this.localOf.fill(-1);
    this.next = 0;
    this.named = new Map();
    this.pendingReset = true;
  }

  /** Begins a batch of `libraryId` numbered by `dictionary`; true when the writer must clear its TermIds first. */
  begin(libraryId: string, dictionary: TermDictionary): boolean {
    if (libraryId !== this.libraryId || dictionary !== this.dictionary || dictionary.generation !== this.generation || this.next > TERM_LIMIT) {
      this.libraryId = libraryId;
      this.dictionary = dictionary;
      this.generation = dictionary.generation;
      this.reset();
    }
    if (this.localOf.length < dictionary.size) {
      const grown = new Int32Array(Math.max(dictionary.size, this.localOf.length * 2)).fill(-1);
      grown.set(this.localOf);
      this.localOf = grown;
    }
    const reset = this.pendingReset;
    this.pendingReset = false;
    return reset;
  }

  /** One string's local number; a new one is appended to `added`. */
  one(value: string | null, added: string[]): number {
    if (value === null) return NO_TERM;
    let id = this.named.get(value);
    if (id === undefined) {
      id = this.next++;
      this.named.set(value, id);
      added.push(value);
    }
    return id;
  }

  /** Encodes the first n dictionary numbers of a column into `out`. */
  column(values: ArrayLike<number>, n: number, out: Int32Array, added: string[]): void {
    const localOf = this.localOf;
    const strings = this.dictionary!.strings;
    for (let i = 0; i < n; i++) {
      const v = values[i]!;
      if (v < 0) {
        out[i] = NO_TERM;
        continue;
      }
      let local = localOf[v]!;
      if (local < 0) {
        local = this.next++;
        localOf[v] = local;
        added.push(strings[v]!);
      }
      out[i] = local;
    }
  }
}

/**
 * The writer's side: local number → web_terms id, in the order the encoder numbered them, with the
 * strings, so that all of them can be found again when a retention purge may have deleted some
 * (`epoch`, see the 2026-12-03 migration).
 */
export class TermIds {
  private ids: number[] = [];
  private strings: string[] = [];
  /** The purge epoch the ids were found in; null before any is known. */
  epoch: number | null = null;

  /** Applies a batch's header: clear on reset. */
  begin(reset: boolean): void {
    if (reset) this.clear();
  }

  push(id: number, value: string): void {
    this.ids.push(id);
    this.strings.push(value);
  }

  /** The id of a local number; null for NO_TERM. */
  of(local: number): number | null {
    return local < 0 ? null : this.ids[local]!;
  }

  /** Every string known, by local number (to find their ids again). */
  get values(): readonly string[] {
    return this.strings;
  }

  /** Replaces every id, in local-number order (after finding them again). */
  replace(ids: readonly number[]): void {
    this.ids = ids.slice();
  }

  /** After a failed write the ids added by it may name nothing: forget everything (the encoder is reset too). */
  clear(): void {
    this.ids = [];
    this.strings = [];
    this.epoch = null;
  }

  get size(): number {
    return this.ids.length;
  }
}
