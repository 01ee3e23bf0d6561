import { Type, type Static } from 'typebox';

/**
 * Public Internet communication (Metropolitan Library System SH 620.4): who may do what on library
 * and personal accounts. The table is the policy's own overview of Administrator and Representative
 * actions; each action carries the clause that states it, so a refusal can cite it.
 */
export const SOCIAL_ROLES = ['administrator', 'representative'] as const;
export type SocialRole = (typeof SOCIAL_ROLES)[number];

export const SOCIAL_ACTIONS = [
  'create_library_account',
  'maintain_library_account',
  'create_personal_account',
  'maintain_personal_account',
  'post_content',
  'post_comment',
  'post_links',
  'upload_media',
  'like',
  'delete_posts',
] as const;
export type SocialAction = (typeof SOCIAL_ACTIONS)[number];

export interface SocialPermission {
  label: string;
  roles: readonly SocialRole[];
  /** The clause (pack ref) that grants or withholds it. */
  clause: string;
}

export const SOCIAL_PERMISSIONS: Readonly<Record<SocialAction, SocialPermission>> = {
  create_library_account: { label: 'Create a library account', roles: ['administrator'], clause: 'SH 620.4 §1-TABLE-CREATE-LIBRARY-ACCOUNT' },
  maintain_library_account: { label: 'Maintain a library account', roles: ['administrator'], clause: 'SH 620.4 §1-TABLE-MAINTAIN-LIBRARY-ACCOUNT' },
  create_personal_account: { label: 'Create a personal account for library business', roles: ['administrator', 'representative'], clause: 'SH 620.4 §1-TABLE-CREATE-PERSONAL-ACCOUNT' },
  maintain_personal_account: { label: 'Maintain a personal account for library business', roles: ['administrator', 'representative'], clause: 'SH 620.4 §1-TABLE-MAINTAIN-PERSONAL-ACCOUNT' },
  post_content: { label: 'Post new content or threads', roles: ['administrator', 'representative'], clause: 'SH 620.4 §1-TABLE-POST-NEW-CONTENT' },
  post_comment: { label: 'Comment on existing threads', roles: ['administrator', 'representative'], clause: 'SH 620.4 §1-TABLE-POST-COMMENT' },
  post_links: { label: 'Post links', roles: ['administrator', 'representative'], clause: 'SH 620.4 §1-TABLE-POST-LINKS' },
  upload_media: { label: 'Upload images or video', roles: ['administrator'], clause: 'SH 620.4 §1-TABLE-UPLOAD-IMAGES-VIDEO' },
  like: { label: 'Like or acknowledge posts', roles: ['administrator', 'representative'], clause: 'SH 620.4 §1-TABLE-LIKE-POSTS' },
  delete_posts: { label: 'Delete posts and acknowledgements', roles: ['administrator'], clause: 'SH 620.4 §1-TABLE-DELETE-POSTS' },
};

/** Whether someone in this public-communication role may take the action (no role: nothing). */
export function socialCan(role: SocialRole | null, action: SocialAction): boolean {
  return role !== null && SOCIAL_PERMISSIONS[action].roles.includes(role);
}

/** The key a pack's `permit` control names for an action: `social.upload_media`. */
export const permitKey = (action: SocialAction): string => `social.${action}`;

export function actionOfPermitKey(key: string): SocialAction | undefined {
  const name = key.startsWith('social.') ? key.slice('social.'.length) : '';
  return (SOCIAL_ACTIONS as readonly string[]).includes(name) ? (name as SocialAction) : undefined;
}

/**
 * How a library runs public communication, in its pack (`library.social`). `approval` says whose
 * posts an Administrator approves before they go out (nobody approves their own); `cardNumber` is
 * the library's card-number format as a regular expression; `sections` name the clauses the
 * workflow cites where no control does: the pause before posting, the library's right to edit or
 * delete its content, the archive.
 */
export const SOCIAL_APPROVAL = ['none', 'representatives', 'all'] as const;
export type SocialApproval = (typeof SOCIAL_APPROVAL)[number];

export const SocialSettingsSchema = Type.Object(
  {
    approval: Type.Unsafe<SocialApproval>({ type: 'string', enum: [...SOCIAL_APPROVAL], description: 'whose posts an administrator approves first' }),
    cardNumber: Type.Optional(Type.String({ minLength: 1, description: "the library's card-number format, a regular expression" })),
    maxLinks: Type.Optional(Type.Integer({ minimum: 0, maximum: 50 })),
    phoneRegion: Type.Optional(Type.Unsafe<'US' | 'CA' | 'GB' | 'AU'>({ type: 'string', enum: ['US', 'CA', 'GB', 'AU'] })),
    sections: Type.Object(
      {
        pause: Type.String({ minLength: 1, description: 'the clause asking authors to stop and think before posting' }),
        ownership: Type.String({ minLength: 1, description: "the clause giving officials the right to edit or delete the library's content" }),
        archive: Type.Optional(Type.String({ minLength: 1, description: 'the clause under which communications are archived' })),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export type SocialSettings = Static<typeof SocialSettingsSchema>;

/** Accounts: the library's own, or a person's own used for library business. */
export const SOCIAL_ACCOUNT_KINDS = ['library', 'personal'] as const;
export type SocialAccountKind = (typeof SOCIAL_ACCOUNT_KINDS)[number];

/** What is posted: new content, a comment on a thread, or a like of someone's post. */
export const SOCIAL_POST_KINDS = ['post', 'comment', 'like'] as const;
export type SocialPostKind = (typeof SOCIAL_POST_KINDS)[number];
export const SOCIAL_PURPOSES = ['business', 'personal'] as const;
export type SocialPurpose = (typeof SOCIAL_PURPOSES)[number];
export const SOCIAL_MEDIA_KINDS = ['image', 'video'] as const;
export type SocialMediaKind = (typeof SOCIAL_MEDIA_KINDS)[number];

/**
 * A post's life: a draft is screened; a clean draft the author has confirmed goes to approval where
 * the library asks for it, then out through the outbox; a delivery that failed can be retried.
 * Published posts may be edited or deleted by officials (every version kept).
 */
export const SOCIAL_POST_STATES = ['draft', 'pending_approval', 'returned', 'published', 'failed', 'deleted'] as const;
export type SocialPostState = (typeof SOCIAL_POST_STATES)[number];

export const SOCIAL_POST_STATE_LABELS: Record<SocialPostState, string> = {
  draft: 'Draft',
  pending_approval: 'Waiting for approval',
  returned: 'Returned for changes',
  published: 'Published',
  failed: 'Delivery failed',
  deleted: 'Deleted',
};

/** A supervisor's directive (§1.5): a weekly limit on the time spent, or a stop. */
export const SOCIAL_DIRECTIVE_KINDS = ['limit', 'stop'] as const;
export type SocialDirectiveKind = (typeof SOCIAL_DIRECTIVE_KINDS)[number];

/** The screening rules packs name as `detect social.screen.<rule>`. */
export const SCREEN_RULES = ['obscene', 'threat', 'harassment', 'discrimination', 'confidential', 'spam'] as const;
export type ScreenRule = (typeof SCREEN_RULES)[number];

/** Detect rules the social module raises as findings. */
export const SOCIAL_DIRECTIVE_RULE = 'social.directive-exceeded';
export const SOCIAL_PERSONAL_RULE = 'social.personal-outside-breaks';

/** The actions a post needs from the table: its kind's, links if it has any, media if it carries any. */
export function actionsForPost(post: { kind: SocialPostKind; hasLinks: boolean; media: readonly unknown[] }): SocialAction[] {
  const base: SocialAction = post.kind === 'post' ? 'post_content' : post.kind === 'comment' ? 'post_comment' : 'like';
  return [base, ...(post.hasLinks ? (['post_links'] as const) : []), ...(post.media.length > 0 ? (['upload_media'] as const) : [])];
}
