import { parse as parseDomain } from 'tldts';
import type { ErrorDetail } from '../../domain/errors.js';
import type { RequestField, RequestType } from '../../domain/requests.js';

export type FieldValue = string | number;

export interface CheckedFields {
  values: Record<string, FieldValue>;
  errors: ErrorDetail[];
}

const MAC = /^([0-9a-f]{2})[:-]?([0-9a-f]{2})[:-]?([0-9a-f]{2})[:-]?([0-9a-f]{2})[:-]?([0-9a-f]{2})[:-]?([0-9a-f]{2})$/i;
const MAC_DOTTED = /^([0-9a-f]{4})\.([0-9a-f]{4})\.([0-9a-f]{4})$/i;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** A MAC address in any of the usual spellings → `aa:bb:cc:dd:ee:ff`, or null. */
export function normalizeMac(raw: string): string | null {
  const s = raw.trim();
  const dotted = MAC_DOTTED.exec(s);
  const hex = dotted ? dotted.slice(1).join('') : MAC.exec(s)?.slice(1).join('');
  if (!hex || hex.length !== 12) return null;
  return hex.toLowerCase().match(/../g)!.join(':');
}

/** A host name with a registrable domain under a public suffix (lower case), or null. */
export function normalizeDomain(raw: string): string | null {
  const s = raw.trim().toLowerCase().replace(/\.$/, '');
  if (!/^[a-z0-9.-]+$/.test(s) || s.length > 253) return null;
  const parsed = parseDomain(s, { allowPrivateDomains: true });
  if (!parsed.domain || parsed.isIp || parsed.hostname !== s) return null;
  return s;
}

function isRealDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

function checkOne(field: RequestField, raw: unknown): { value?: FieldValue; error?: string } {
  const text = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim() : undefined;
  if (text === undefined) return { error: `expected ${field.type === 'integer' ? 'a whole number' : 'text'}` };
  switch (field.type) {
    case 'text':
    case 'longtext': {
      const max = field.maxLength ?? (field.type === 'text' ? 200 : 5000);
      return text.length > max ? { error: `expected at most ${max} characters, got ${text.length}` } : { value: text };
    }
    case 'integer': {
      if (!/^-?\d+$/.test(text)) return { error: `expected a whole number, got "${text}"` };
      const n = Number(text);
      if (field.min !== undefined && n < field.min) return { error: `expected at least ${field.min}, got ${n}` };
      if (field.max !== undefined && n > field.max) return { error: `expected at most ${field.max}, got ${n}` };
      return { value: n };
    }
    case 'date':
      return isRealDate(text) ? { value: text } : { error: `expected a date as YYYY-MM-DD, got "${text}"` };
    case 'choice':
      return field.choices?.includes(text) ? { value: text } : { error: `expected one of ${(field.choices ?? []).join(', ')}, got "${text}"` };
    case 'mac': {
      const mac = normalizeMac(text);
      return mac ? { value: mac } : { error: `expected a MAC address such as 00:1a:2b:3c:4d:5e, got "${text}"` };
    }
    case 'domain': {
      const domain = normalizeDomain(text);
      return domain ? { value: domain } : { error: `expected a domain name such as downloads.example.com, got "${text}"` };
    }
    case 'url': {
      let url: URL | undefined;
      try {
        url = new URL(text);
      } catch {
        url = undefined;
      }
      return url && (url.protocol === 'http:' || url.protocol === 'https:') && normalizeDomain(url.hostname) ? { value: url.href } : { error: `expected an http:// or https:// address, got "${text}"` };
    }
    case 'email':
      return EMAIL.test(text) && text.length <= 254 ? { value: text.toLowerCase() } : { error: `expected an e-mail address, got "${text}"` };
  }
}

/**
 * Checks what a requester filled in against the request type: every problem at once, each naming its
 * field; values come back normalized (MAC and domain in one spelling, integers as numbers).
 */
export function checkRequestFields(type: RequestType, input: Record<string, unknown>): CheckedFields {
  const values: Record<string, FieldValue> = {};
  const errors: ErrorDetail[] = [];
  const known = new Set(type.fields.map((f) => f.name));
  for (const name of Object.keys(input)) {
    if (!known.has(name)) errors.push({ field: `fields.${name}`, message: `not a field of "${type.title}"; expected ${type.fields.map((f) => f.name).join(', ') || 'no fields'}` });
  }
  for (const field of type.fields) {
    const raw = input[field.name];
    const empty = raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '');
    if (empty) {
      if (field.required) errors.push({ field: `fields.${field.name}`, message: `${field.label} is required` });
      continue;
    }
    const checked = checkOne(field, raw);
    if (checked.error) errors.push({ field: `fields.${field.name}`, message: `${field.label}: ${checked.error}` });
    else values[field.name] = checked.value!;
  }
  return { values, errors };
}
