import type { WindowState } from './window-state.js';

/**
 * A pattern over days for one subject and rule: which of the last D library-local days reached the
 * rule's threshold, held in a ring of D slots (slot = day mod D), so memory does not grow with time.
 *
 * A day counts towards at most one pattern finding: after a finding on day X, the next one needs
 * `atLeast` reached days after X. Persistent behaviour therefore yields one finding per stretch rather
 * than a new one every day.
 */
export class PatternTracker {
  private readonly ring: Array<WindowState | null>;
  private readonly days: number;
  private readonly atLeast: number;
  private lastFindingDay = Number.NEGATIVE_INFINITY;

  constructor(days: number, atLeast: number) {
    this.days = days;
    this.atLeast = atLeast;
    this.ring = new Array<WindowState | null>(days).fill(null);
  }

  /**
   * Records that `day` (a whole-day window) reached the threshold. Returns the reached days, oldest
   * first, when the pattern now holds (they are then spent), or null.
   */
  reached(day: WindowState): WindowState[] | null {
    const slot = ((day.day % this.days) + this.days) % this.days;
    const held = this.ring[slot];
    // A late event can reach an older day after a newer one took its slot; the newer one stays.
    if (held && held.day > day.day) return null;
    this.ring[slot] = day;
    const from = Math.max(day.day - this.days + 1, this.lastFindingDay + 1);
    const counted: WindowState[] = [];
    for (const entry of this.ring) if (entry && entry.day >= from && entry.day <= day.day) counted.push(entry);
    if (counted.length < this.atLeast) return null;
    this.lastFindingDay = day.day;
    return counted.sort((a, b) => a.day - b.day);
  }

  /** Nothing held can count towards a pattern on `today` or later. */
  isStale(today: number): boolean {
    return this.ring.every((entry) => entry === null || entry.day <= today - this.days);
  }
}
