import type { FindingChange } from '../../domain/web-rules.js';

/**
 * What one subject did under one rule in one window: counts, bytes, browsing time and evidence.
 *
 * Browsing time is estimated from requests alone: a subject's matching requests are grouped into
 * visits, a gap of more than five minutes starting a new one, and a visit counts as the time from its
 * first to its last request plus one minute (a single request still means someone looked at a page).
 */

export const VISIT_GAP_MS = 5 * 60_000;
const MINUTE_MS = 60_000;
export const MAX_EVIDENCE = 20;

export class WindowState {
  readonly start: number;
  readonly end: number;
  /** Library-local day the window lies in. */
  readonly day: number;
  count = 0;
  bytes = 0;
  /** Earliest and latest matching request seen in the window. */
  firstMs = Number.POSITIVE_INFINITY;
  lastMs = Number.NEGATIVE_INFINITY;
  /** Browsing time of the visits already closed. */
  private closedMs = 0;
  private visitFirst = 0;
  private visitLast = 0;
  readonly evidence: string[] = [];
  /** The threshold has been reached in this window. */
  reached = false;
  /** The finding key, built on first emission. */
  key: string | null = null;
  /** The change handed out for this window when the evaluator reuses changes (EvaluatorOptions.reuseChanges). */
  change: FindingChange | null = null;
  /** For pattern rules: the pattern finding this day counts towards, once there is one. */
  pattern: PatternFindingRef | null = null;

  constructor(start: number, end: number, day: number) {
    this.start = start;
    this.end = end;
    this.day = day;
  }

  add(timeMs: number, bytes: number, eventId: unknown): void {
    if (this.count === 0) {
      this.visitFirst = timeMs;
      this.visitLast = timeMs;
    } else if (timeMs > this.visitLast) {
      if (timeMs - this.visitLast > VISIT_GAP_MS) {
        this.closedMs += this.visitLast - this.visitFirst + MINUTE_MS;
        this.visitFirst = timeMs;
      }
      this.visitLast = timeMs;
    } else if (timeMs < this.visitFirst && this.visitFirst - timeMs <= VISIT_GAP_MS) {
      this.visitFirst = timeMs;
    }
    // A request older than the open visit by more than the gap belongs to a visit that is already
    // closed (events arrive nearly in order), so it adds no time: the estimate errs on the low side
    // rather than overstate anyone's browsing.
    if (timeMs < this.firstMs) this.firstMs = timeMs;
    if (timeMs > this.lastMs) this.lastMs = timeMs;
    this.count++;
    if (bytes > 0) this.bytes += bytes;
    if (this.evidence.length < MAX_EVIDENCE && typeof eventId === 'string') this.evidence.push(eventId);
  }

  /** Estimated browsing time in ms. */
  browsingMs(): number {
    return this.count === 0 ? 0 : this.closedMs + this.visitLast - this.visitFirst + MINUTE_MS;
  }
}

/** The part of a pattern finding a counted day needs to report changes to it. */
export interface PatternFindingRef {
  readonly key: string;
  readonly windowStart: number;
  readonly windowEnd: number;
  readonly days: readonly WindowState[];
}

/** Minutes for reports: ms rounded to hundredths, so equal inputs always print the same. */
export const toMinutes = (ms: number): number => Math.round(ms / 600) / 100;
