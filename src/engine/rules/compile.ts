import { StewardError } from '../../domain/errors.js';
import type { Severity, WebRule } from '../../domain/web-rules.js';
import { compileMatch, type CategoryId, type CategoryIdOf, type ConditionProblem, type Predicate } from './condition.js';
import { RuleIndex, type IndexableRule } from './rule-index.js';

/**
 * Compiles pack rules once into closures and an index; the evaluator then runs them per event.
 * Every problem is found at compile time (a pattern that does not compile, a category the classifier
 * does not know, a window that does not divide the day), so evaluation itself never has to fail.
 */

export const MEASURE_COUNT = 0;
export const MEASURE_BYTES = 1;
export const MEASURE_MINUTES = 2;
export type MeasureCode = typeof MEASURE_COUNT | typeof MEASURE_BYTES | typeof MEASURE_MINUTES;

const DAY_MINUTES = 1440;
const MINUTE_MS = 60_000;

export interface CompiledRule extends IndexableRule {
  readonly id: string;
  readonly title: string;
  readonly severity: Severity;
  readonly clauses: readonly string[];
  /** Every condition except the top-level categories, which the index guarantees. */
  readonly test: Predicate;
  readonly windowMs: number;
  /** The window is the library-local day (its length varies on DST change days). */
  readonly wholeDay: boolean;
  readonly measure: MeasureCode;
  /** In the measure's unit: events, bytes, or milliseconds of browsing for minutes. */
  readonly threshold: number;
  readonly pattern: { readonly days: number; readonly atLeast: number } | null;
  /** The rule has a `during` condition, so the library needs work hours. */
  readonly usesWorkHours: boolean;
}

export interface CompiledRules {
  readonly rules: readonly CompiledRule[];
  readonly index: RuleIndex<CompiledRule>;
  readonly usesWorkHours: boolean;
}

export interface CompileOptions {
  /** The classifier's category-name→id function; unknown names are compile errors. */
  categoryId: CategoryIdOf;
}

/**
 * Problems with one rule that do not depend on the category catalog or on the other rules. The pack
 * parser reports these too, so a pack with a broken rule is refused when it is loaded.
 */
export function ruleProblems(rule: WebRule, categoryId?: CategoryIdOf): ConditionProblem[] {
  const problems: ConditionProblem[] = [];
  compileMatch(rule.match, categoryId ? { categoryId } : {}, problems);
  const minutes = rule.window?.minutes ?? DAY_MINUTES;
  if (!(Number.isInteger(minutes) && minutes >= 1 && minutes <= DAY_MINUTES && DAY_MINUTES % minutes === 0)) {
    problems.push({ field: 'window.minutes', message: `expected a number of minutes that divides a day (1440), got ${minutes}` });
  }
  if (rule.aggregate && !(rule.aggregate.threshold > 0)) problems.push({ field: 'aggregate.threshold', message: 'expected a threshold above 0' });
  if (rule.pattern) {
    if (rule.pattern.atLeast > rule.pattern.days) problems.push({ field: 'pattern.atLeast', message: `expected at most ${rule.pattern.days} (the pattern's days), got ${rule.pattern.atLeast}` });
    if (minutes !== DAY_MINUTES) problems.push({ field: 'window.minutes', message: 'expected 1440 (a day) for a rule with a pattern over days' });
  }
  return problems;
}

export function compileRules(rules: readonly WebRule[], options: CompileOptions): CompiledRules {
  const details: Array<{ location: string; field: string; message: string }> = [];
  const seen = new Set<string>();
  const compiled: CompiledRule[] = [];
  rules.forEach((rule, index) => {
    const problems: ConditionProblem[] = [];
    if (seen.has(rule.id)) problems.push({ field: 'id', message: `rule id "${rule.id}" is used twice` });
    seen.add(rule.id);
    problems.push(...ruleProblems(rule, options.categoryId));
    const test = compileMatch(rule.match, { categoryId: options.categoryId, skipCategories: true }, []);
    for (const p of problems) details.push({ location: `rule ${rule.id}`, field: p.field, message: p.message });
    if (problems.length > 0) return;
    const minutes = rule.window?.minutes ?? DAY_MINUTES;
    const measure = rule.aggregate?.measure === 'bytes' ? MEASURE_BYTES : rule.aggregate?.measure === 'minutes' ? MEASURE_MINUTES : MEASURE_COUNT;
    const threshold = rule.aggregate ? (measure === MEASURE_MINUTES ? rule.aggregate.threshold * MINUTE_MS : rule.aggregate.threshold) : 1;
    const categoryIds = rule.match.categories ? rule.match.categories.map((name) => options.categoryId(name) as CategoryId) : null;
    compiled.push({
      index,
      id: rule.id,
      title: rule.title,
      severity: rule.severity,
      clauses: Object.freeze([...rule.clauses]),
      categoryIds,
      test,
      windowMs: minutes * MINUTE_MS,
      wholeDay: minutes === DAY_MINUTES,
      measure,
      threshold,
      pattern: rule.pattern ? { days: rule.pattern.days, atLeast: rule.pattern.atLeast } : null,
      usesWorkHours: usesDuring(rule),
    });
  });
  if (details.length > 0) {
    const first = details[0] as (typeof details)[number];
    const more = details.length > 1 ? ` (and ${details.length - 1} more)` : '';
    throw new StewardError('pack_invalid', `web rules do not compile: ${first.location}, ${first.field}: ${first.message}${more}`, details);
  }
  return { rules: compiled, index: new RuleIndex(compiled), usesWorkHours: compiled.some((r) => r.usesWorkHours) };
}

export function usesDuring(rule: WebRule): boolean {
  return rule.match.during !== undefined || rule.match.unless?.during !== undefined || (rule.match.anyOf ?? []).some((c) => c.during !== undefined);
}
