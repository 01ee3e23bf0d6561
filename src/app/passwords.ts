import { hash, verify } from '@node-rs/argon2';

// argon2id with the library's defaults (19 MiB, 2 passes), OWASP's recommended minimum.
export const hashPassword = (password: string): Promise<string> => hash(password);
export const verifyPassword = (stored: string, password: string): Promise<boolean> => verify(stored, password).catch(() => false);

/** A hash to verify against when the username is unknown, so timing does not reveal which usernames exist. */
let decoy: Promise<string> | undefined;
export const decoyHash = (): Promise<string> => (decoy ??= hashPassword('not-a-real-password-decoy'));

export function passwordProblem(password: string): string | undefined {
  if (password.length < 10) return 'expected at least 10 characters';
  if (password.length > 256) return 'expected at most 256 characters';
  return undefined;
}
