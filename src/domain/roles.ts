/** The roles the five policies name, plus the operational ones a library needs. */
export const ROLES = [
  'staff',
  'supervisor',
  'associate_director',
  'director',
  'hr',
  'it_admin',
  'social_admin',
  'auditor',
  'consortium_admin',
] as const;

export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  staff: 'Staff member',
  supervisor: 'Supervisor',
  associate_director: 'Associate director',
  director: 'Library director',
  hr: 'Human resources',
  it_admin: 'IT / network administrator',
  social_admin: 'Public-communication administrator',
  auditor: 'Auditor',
  consortium_admin: 'Consortium administrator',
};

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
