import { createHash } from 'node:crypto';

/**
 * The audit log is a hash chain: each entry's hash covers its own fields and the previous hash, and
 * a head row holds the last sequence number and hash. Editing, removing or reordering any entry
 * (or dropping the newest ones) breaks a link that verifyChain reports.
 */
export interface AuditEntry {
  seq: number;
  library_id: string | null;
  at: string;
  actor_user_id: string | null;
  actor_label: string;
  action: string;
  target_type: string | null;
  target_id: string | null;
  subject_person_id: string | null;
  reason: string | null;
  detail_json: string;
  prev_hash: string;
  hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);

export function hashEntry(entry: Omit<AuditEntry, 'hash'>): string {
  const canonical = JSON.stringify([
    entry.seq,
    entry.library_id,
    entry.at,
    entry.actor_user_id,
    entry.actor_label,
    entry.action,
    entry.target_type,
    entry.target_id,
    entry.subject_person_id,
    entry.reason,
    entry.detail_json,
    entry.prev_hash,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

export interface ChainProblem {
  seq: number;
  problem: 'edited' | 'missing' | 'out_of_order' | 'broken_link' | 'head_mismatch';
  message: string;
}

/** Checks entries in sequence order against each other and against the head. */
export class ChainVerifier {
  private expectedSeq = 1;
  private prevHash = GENESIS_HASH;
  readonly problems: ChainProblem[] = [];
  checked = 0;

  add(entry: AuditEntry): void {
    this.checked++;
    if (entry.seq < this.expectedSeq) {
      this.problems.push({ seq: entry.seq, problem: 'out_of_order', message: `entry ${entry.seq} appears after entry ${this.expectedSeq - 1}` });
    } else if (entry.seq > this.expectedSeq) {
      this.problems.push({ seq: this.expectedSeq, problem: 'missing', message: `entries ${this.expectedSeq}..${entry.seq - 1} are missing` });
    }
    if (entry.prev_hash !== this.prevHash) {
      this.problems.push({ seq: entry.seq, problem: 'broken_link', message: `entry ${entry.seq} does not link to the entry before it` });
    }
    if (hashEntry(entry) !== entry.hash) {
      this.problems.push({ seq: entry.seq, problem: 'edited', message: `entry ${entry.seq} was changed after it was written` });
    }
    this.expectedSeq = Math.max(this.expectedSeq, entry.seq + 1);
    this.prevHash = entry.hash;
  }

  finish(head: { seq: number; hash: string }): ChainProblem[] {
    if (head.seq !== this.expectedSeq - 1 || head.hash !== this.prevHash) {
      this.problems.push({ seq: head.seq, problem: 'head_mismatch', message: `the log ends at entry ${this.expectedSeq - 1} but the head records entry ${head.seq}: entries were removed from the end or the head was altered` });
    }
    return this.problems;
  }
}
