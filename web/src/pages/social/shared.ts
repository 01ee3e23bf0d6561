import type { SocialPostState } from '../../../../src/domain/social.js';

/** What the public-communication pages share: the API's shapes. */

export interface Hit {
  kind: string;
  rule: string;
  clause: string;
  start: number;
  end: number;
  message: string;
  blocking: boolean;
}
export interface Screening {
  hits: Hit[];
  blocked: boolean;
}
export interface Directive {
  id: string;
  kind: 'limit' | 'stop';
  minutesPerWeek: number | null;
  reason: string;
  issuedBy: string;
  createdAt: string;
  clause: string;
}
export interface Standing {
  role: 'administrator' | 'representative' | null;
  administrator: boolean;
  representative: { source: 'request'; number: number; expiresAt: string | null } | { source: 'direct'; reason: string } | null;
  lapsed: string | null;
  directive: Directive | null;
  week: { start: string; minutes: number };
  refusedBy: string | null;
}
export interface SocialMe {
  adopted: boolean;
  standing: Standing | null;
  table: Array<{ action: string; label: string; roles: string[]; clause: string; allowed: boolean }>;
  settings: { approval: 'none' | 'representatives' | 'all'; sections: { pause: string; ownership: string; archive?: string }; outboxConfigured: boolean; directiveClause: string | null; personalClause: string | null };
  can: { administer: boolean; direct: boolean; oversee: boolean };
}
export interface Account {
  id: string;
  kind: 'library' | 'personal';
  platform: string;
  handle: string;
  url: string | null;
  owner_name: string | null;
  administrators: Array<{ id: string; name: string }>;
  retired_at: string | null;
  mine: boolean;
}
export interface PostRow {
  id: string;
  number: number;
  kind: 'post' | 'comment' | 'like';
  purpose: 'business' | 'personal';
  body: string;
  state: SocialPostState;
  author_name: string;
  platform: string;
  handle: string;
  updated_at: string;
  flagged_at: string | null;
  screening: Screening;
}
export interface PostDetail {
  post: PostRow & { target_url: string | null; media: Array<{ kind: string; url: string }>; outbox_error: string | null; published_at: string | null; version: number; account: Account };
  archive: Array<{ seq: number; action: string; actor_label: string; version: number; body: string; detail: Record<string, unknown>; at: string }>;
  can: { revise: boolean; submit: boolean; approve: boolean; edit: boolean; delete: boolean; retry: boolean };
}

export const PAGE_SIZE = 25;

