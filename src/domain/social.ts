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
