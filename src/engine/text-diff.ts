import { diffLines, diffWordsWithSpace } from 'diff';

/**
 * A readable diff between two versions of a policy's text: paragraphs (lines) that were added,
 * removed or kept, and inside a changed paragraph the words that changed, so a reader sees exactly
 * what is new without comparing two pages by eye.
 */
export interface DiffPart {
  kind: 'same' | 'added' | 'removed';
  text: string;
}

export interface DiffBlock {
  kind: 'same' | 'added' | 'removed' | 'changed';
  /** For `changed`: the words, marked; otherwise one part holding the whole block. */
  parts: DiffPart[];
}

export interface TextDiff {
  blocks: DiffBlock[];
  added: number;
  removed: number;
  unchanged: boolean;
}

const normalize = (text: string): string => text.replace(/\r\n?/g, '\n').replace(/[ \t]+$/gm, '').replace(/\n*$/, '\n');

export function diffTexts(before: string, after: string): TextDiff {
  const changes = diffLines(normalize(before), normalize(after));
  const blocks: DiffBlock[] = [];
  let added = 0;
  let removed = 0;
  for (let i = 0; i < changes.length; i++) {
    const change = changes[i]!;
    const next = changes[i + 1];
    if (change.removed && next?.added) {
      // A paragraph rewritten in place: show the words that changed.
      added += next.count ?? 0;
      removed += change.count ?? 0;
      blocks.push({ kind: 'changed', parts: diffWordsWithSpace(change.value, next.value).map((w) => ({ kind: w.added ? 'added' : w.removed ? 'removed' : 'same', text: w.value })) });
      i++;
      continue;
    }
    if (change.added) added += change.count ?? 0;
    if (change.removed) removed += change.count ?? 0;
    blocks.push({ kind: change.added ? 'added' : change.removed ? 'removed' : 'same', parts: [{ kind: change.added ? 'added' : change.removed ? 'removed' : 'same', text: change.value }] });
  }
  return { blocks, added, removed, unchanged: added === 0 && removed === 0 };
}
