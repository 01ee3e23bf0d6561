import type { CategoryId } from './condition.js';

/**
 * Buckets rules by the categories they require, so an event is checked only against the rules that
 * can apply to it: the '*' bucket (rules that name no category) plus the buckets of its categories.
 * A rule that names several categories sits in several buckets; callers de-duplicate per event.
 */
export interface IndexableRule {
  /** Position in the compiled rule list; lets callers de-duplicate with a plain array. */
  readonly index: number;
  /** Ids of the categories the rule requires (any one suffices); null when it names none. */
  readonly categoryIds: readonly CategoryId[] | null;
}

export class RuleIndex<R extends IndexableRule> {
  /** The '*' bucket. */
  readonly any: readonly R[];
  private readonly byCategory = new Map<CategoryId, R[]>();

  constructor(rules: readonly R[]) {
    const any: R[] = [];
    for (const rule of rules) {
      if (rule.categoryIds === null) {
        any.push(rule);
        continue;
      }
      for (const id of new Set(rule.categoryIds)) {
        const bucket = this.byCategory.get(id);
        if (bucket) bucket.push(rule);
        else this.byCategory.set(id, [rule]);
      }
    }
    this.any = any;
  }

  /** The rules that require category `id`, or undefined when none does. */
  bucket(id: CategoryId): readonly R[] | undefined {
    return this.byCategory.get(id);
  }

  /** Category ids that have a bucket, for diagnostics. */
  categories(): CategoryId[] {
    return [...this.byCategory.keys()];
  }
}
