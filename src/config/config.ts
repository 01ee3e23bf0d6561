import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { StewardError } from '../domain/errors.js';

/**
 * Configuration, read once from the environment and validated. Every problem is reported together,
 * and secrets are never echoed back.
 */
export interface Config {
  /** postgres://… for PostgreSQL; otherwise the SQLite file. */
  databaseUrl: string | undefined;
  sqliteFile: string;
  host: string;
  port: number;
  /** Signs CSRF tokens. Generated per process when not set (sessions then survive restarts, CSRF tokens do not). */
  cookieSecret: string;
  /** Secure cookies; only turned off explicitly for plain-HTTP development on another host name. */
  secureCookies: boolean;
  sessionHours: number;
  logLevel: string;
  /** smtp:// or smtps:// URL of the mail server; without it notices stay in the app only. */
  smtpUrl: string | undefined;
  /** The From address of Steward's mail. */
  mailFrom: string;
  /** The address people use to reach this server, for links in mail. */
  publicUrl: string;
  /** Whether feeds asked for through the web app may be on the server's own networks (off: no loopback, private or link-local). */
  feedsAllowPrivate: boolean;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];
  const port = Number(env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) problems.push(`PORT: expected a port number 0-65535, got "${env.PORT}"`);
  const sessionHours = Number(env.STEWARD_SESSION_HOURS ?? 12);
  if (!(sessionHours > 0)) problems.push('STEWARD_SESSION_HOURS: expected a positive number of hours');
  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) problems.push('DATABASE_URL: expected a postgres:// URL (leave it unset for the embedded SQLite database)');
  const cookieSecret = env.STEWARD_COOKIE_SECRET ?? randomBytes(32).toString('hex');
  if (cookieSecret.length < 32) problems.push('STEWARD_COOKIE_SECRET: expected at least 32 characters');
  const smtpUrl = env.STEWARD_SMTP_URL?.trim() || undefined;
  if (smtpUrl && !/^smtps?:\/\/[^/]+/.test(smtpUrl)) problems.push('STEWARD_SMTP_URL: expected smtp://host:port or smtps://user:password@host:port');
  const publicUrl = env.STEWARD_PUBLIC_URL?.trim() || undefined;
  if (publicUrl && !/^https?:\/\/[^/]+/.test(publicUrl)) problems.push('STEWARD_PUBLIC_URL: expected an http:// or https:// address');
  if (problems.length > 0) {
    throw new StewardError('config_invalid', `Steward's configuration has ${problems.length} problem(s)`, problems.map((message) => ({ message })));
  }
  return {
    databaseUrl,
    sqliteFile: path.resolve(env.STEWARD_SQLITE_FILE ?? path.join('data', 'steward.sqlite')),
    host: env.HOST ?? '127.0.0.1',
    port,
    cookieSecret,
    secureCookies: env.STEWARD_INSECURE_COOKIES !== '1',
    sessionHours,
    logLevel: env.LOG_LEVEL ?? 'info',
    smtpUrl,
    mailFrom: env.STEWARD_MAIL_FROM?.trim() || 'Steward <steward@localhost>',
    publicUrl: (publicUrl ?? `http://${env.HOST ?? '127.0.0.1'}:${port}`).replace(/\/+$/, ''),
    feedsAllowPrivate: env.STEWARD_FEEDS_ALLOW_PRIVATE === 'true',
  };
}
