import { findPhoneNumbersInText } from 'libphonenumber-js';
import { englishDataset, englishRecommendedTransformers, RegExpMatcher } from 'obscenity';
import type { ScreenRule } from '../../domain/social.js';

/**
 * Screening a draft before it is posted publicly (Metropolitan Library System SH 620.4 §1.2–§1.4,
 * §3.3): obscene or profane words (the obscenity library's English dataset, which also covers
 * slurs), threats and personal attacks, confidential data about customers and staff (library card
 * numbers in the library's own format, e-mail addresses, phone numbers, street addresses, names of
 * patrons the library lists), and spam signals (many links, repetition, shouting). Each hit names
 * its clause and where in the text it is, so the author can fix exactly that.
 */

export type HitKind =
  | 'profanity'
  | 'slur'
  | 'discriminatory'
  | 'listed_term'
  | 'threat'
  | 'personal_attack'
  | 'card_number'
  | 'email'
  | 'phone'
  | 'street_address'
  | 'patron_name'
  | 'too_many_links'
  | 'repetition'
  | 'all_caps';

/** The pack's screening rule (`detect social.screen.<rule>`) each kind of hit belongs to. */
export const RULE_OF_HIT: Record<HitKind, ScreenRule> = {
  profanity: 'obscene',
  listed_term: 'obscene',
  slur: 'discrimination',
  discriminatory: 'discrimination',
  threat: 'threat',
  personal_attack: 'harassment',
  card_number: 'confidential',
  email: 'confidential',
  phone: 'confidential',
  street_address: 'confidential',
  patron_name: 'confidential',
  too_many_links: 'spam',
  repetition: 'spam',
  all_caps: 'spam',
};

export interface ScreeningHit {
  kind: HitKind;
  rule: ScreenRule;
  /** The clause the hit offends, by pack ref (the rule's name where the library's pack cites none). */
  clause: string;
  /** Character offsets [start, end) in the text; the whole text for text-wide signals. */
  start: number;
  end: number;
  message: string;
  /** Blocking hits stop the post; the others ask the author to look again. */
  blocking: boolean;
}

export interface ScreeningConfig {
  /** Library card numbers: a regular expression (source) for the library's own format. */
  cardNumberPattern?: string;
  /** Names of patrons who must never be named in public posts. */
  patronNames?: readonly string[];
  /** The library's own list of words and phrases not to post, on top of the profanity library. */
  extraTerms?: readonly string[];
  /** More links than this is a spam signal. Default 3. */
  maxLinks?: number;
  /** ISO country for phone numbers written without a country code. Default US. */
  phoneRegion?: 'US' | 'CA' | 'GB' | 'AU';
  /** The clause each rule cites: the first current clause whose `detect social.screen.<rule>` control names it. */
  clauses: Partial<Record<ScreenRule, string>>;
}

export interface ScreeningResult {
  hits: ScreeningHit[];
  blocked: boolean;
}

const profanity = new RegExpMatcher({ ...englishDataset.build(), ...englishRecommendedTransformers });

// Threats and attacks are about intent toward a person, which no word list captures; these patterns
// catch the plain forms and leave judgement to the author's pause and the supervisor.
const THREATS = [
  /\b(?:i(?:'|’)?ll|i will|i'm going to|im going to|gonna|we(?:'|’)?ll|we will)\s+(?:kill|hurt|shoot|stab|beat(?: up)?|find|destroy|get)\s+(?:you|u|him|her|them)\b/gi,
  /\byou(?:'|’)?re\s+(?:dead|going to die|gonna die)\b/gi,
  /\b(?:watch your back|you will regret|you(?:'|’)ll regret)\b/gi,
];
const ATTACKS = [
  /\b(?:kill yourself|kys|go die)\b/gi,
  /\byou(?:'|’)?re\s+(?:an?\s+)?(?:idiot|moron|stupid|worthless|pathetic|loser|disgrace|joke)\b/gi,
  /\b(?:shut up|nobody (?:likes|cares about) you)\b/gi,
];
// The dataset's slurs: a match on one of these is discriminatory language, not mere profanity.
const SLURS = new Set(['abo', 'abeed', 'africoon', 'arabush', 'boonga', 'chingchong', 'chink', 'dyke', 'fag', 'kike', 'negro', 'nigger', 'retard', 'spastic', 'tranny']);
// Plain forms of telling a group it does not belong; the dataset covers slurs, not sentences.
const DISCRIMINATORY = [
  /\bgo back (?:to|where) (?:your|you|they|their) (?:own )?(?:country|came from|belong)\b/gi,
  /\b(?:all|those|these) (?:immigrants|foreigners|muslims|jews|christians|blacks|whites|asians|mexicans|gays|women|men|old people|disabled people) (?:are|should)\b/gi,
  /\bno (?:immigrants|foreigners|muslims|jews|blacks|gays) (?:allowed|welcome)\b/gi,
];
const EMAIL = /\b[A-Z0-9._%+-]+@[A-Z0-9.-]+\.[A-Z]{2,}\b/gi;
const STREET = /\b\d{1,6}\s+(?:[NSEW]\.?\s+)?(?:[A-Z][A-Za-z]+\s+){1,4}(?:St|Street|Ave|Avenue|Rd|Road|Blvd|Boulevard|Dr|Drive|Ln|Lane|Ct|Court|Way|Pl|Place|Pkwy|Parkway|Ter|Terrace|Cir|Circle|Hwy|Highway)\b\.?/g;
const LINK = /\bhttps?:\/\/[^\s<>"']+|\bwww\.[^\s<>"']+/gi;

function allMatches(pattern: RegExp, text: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const m of text.matchAll(new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`))) out.push([m.index, m.index + m[0].length]);
  return out;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The same word or short phrase said again and again ("buy buy buy buy"), or one line pasted over and over. */
function repetition(text: string): boolean {
  const words = text.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? [];
  let run = 1;
  for (let i = 1; i < words.length; i++) {
    run = words[i] === words[i - 1] ? run + 1 : 1;
    if (run >= 4) return true;
  }
  const lines = text.split(/\n+/).map((l) => l.trim().toLowerCase()).filter((l) => l.length > 10);
  return lines.length >= 3 && new Set(lines).size <= lines.length / 2;
}

function shouting(text: string): boolean {
  const letters = text.match(/\p{L}/gu) ?? [];
  if (letters.length < 20) return false;
  const upper = letters.filter((c) => c !== c.toLowerCase() && c === c.toUpperCase()).length;
  return upper / letters.length >= 0.7;
}

export function screenPost(text: string, config: ScreeningConfig): ScreeningResult {
  const hits: ScreeningHit[] = [];
  const add = (kind: HitKind, start: number, end: number, message: string, blocking = true) => {
    const rule = RULE_OF_HIT[kind];
    hits.push({ kind, rule, clause: config.clauses[rule] ?? `social.screen.${rule}`, start, end, message, blocking });
  };

  const seen = new Set<string>();
  for (const m of profanity.getAllMatches(text, true)) {
    const key = `${m.startIndex}:${m.endIndex}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const word = englishDataset.getPayloadWithPhraseMetadata(m).phraseMetadata?.originalWord ?? '';
    const shown = text.slice(m.startIndex, m.endIndex + 1);
    if (SLURS.has(word)) add('slur', m.startIndex, m.endIndex + 1, `"${shown}" is a slur`);
    else add('profanity', m.startIndex, m.endIndex + 1, `"${shown}" is obscene or profane`);
  }
  for (const term of config.extraTerms ?? []) {
    const trimmed = term.trim();
    if (trimmed.length < 2) continue;
    for (const [s, e] of allMatches(wholeWords(trimmed), text)) add('listed_term', s, e, `"${text.slice(s, e)}" is on the library's list of words not to post`);
  }
  for (const p of DISCRIMINATORY) for (const [s, e] of allMatches(p, text)) add('discriminatory', s, e, `"${text.slice(s, e)}" is discriminatory`);
  for (const p of THREATS) for (const [s, e] of allMatches(p, text)) add('threat', s, e, `"${text.slice(s, e)}" reads as a threat`);
  for (const p of ATTACKS) for (const [s, e] of allMatches(p, text)) add('personal_attack', s, e, `"${text.slice(s, e)}" is a personal attack`);

  if (config.cardNumberPattern) {
    for (const [s, e] of allMatches(new RegExp(config.cardNumberPattern, 'g'), text)) add('card_number', s, e, 'looks like a library card number');
  }
  for (const [s, e] of allMatches(EMAIL, text)) add('email', s, e, `${text.slice(s, e)} is an e-mail address`);
  for (const p of findPhoneNumbersInText(text, config.phoneRegion ?? 'US')) add('phone', p.startsAt, p.endsAt, `${text.slice(p.startsAt, p.endsAt)} is a phone number`);
  for (const [s, e] of allMatches(STREET, text)) add('street_address', s, e, `"${text.slice(s, e)}" looks like a street address`);
  for (const name of config.patronNames ?? []) {
    const trimmed = name.trim();
    if (trimmed.length < 3) continue;
    for (const [s, e] of allMatches(wholeWords(trimmed), text)) add('patron_name', s, e, `names a patron (${trimmed})`);
  }

  const links = linksIn(text);
  const maxLinks = config.maxLinks ?? 3;
  if (links.length > maxLinks) add('too_many_links', links[maxLinks]![0], links[links.length - 1]![1], `${links.length} links; more than ${maxLinks} reads as spam`, false);
  if (repetition(text)) add('repetition', 0, text.length, 'the same words are repeated over and over', false);
  if (shouting(text)) add('all_caps', 0, text.length, 'mostly capital letters reads as shouting', false);

  hits.sort((a, b) => a.start - b.start || a.kind.localeCompare(b.kind));
  return { hits, blocked: hits.some((h) => h.blocking) };
}

/** A word or phrase matched whole, case-insensitively, with any run of spaces between its words. */
function wholeWords(phrase: string): RegExp {
  return new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(phrase).replace(/\s+/g, '\\s+')}(?![\\p{L}\\p{N}])`, 'giu');
}

/** The links in a text (http(s) addresses and www. names), as [start, end) offsets. */
export function linksIn(text: string): Array<[number, number]> {
  return allMatches(LINK, text);
}
