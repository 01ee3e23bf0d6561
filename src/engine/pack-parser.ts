import { Ajv, type ErrorObject } from 'ajv';
import { LineCounter, parseDocument, isMap, isSeq, type Node } from 'yaml';
import { StewardError, type ErrorDetail } from '../domain/errors.js';
import { PackSchema, currentVersion, type Pack, type Control } from '../domain/pack.js';
import { FILTER_TARGETS, SOFTWARE_DOWNLOAD_RULE } from '../domain/filter.js';
import { matchExtensions } from './rules/condition.js';
import { ruleProblems, usesDuring } from './rules/compile.js';
import { ROLES, isRole } from '../domain/roles.js';
import { parseRecurrence } from './recurrence.js';
import { actionOfPermitKey, permitKey, SOCIAL_ACTIONS } from '../domain/social.js';

// verbose: Ajv hands over the failing schema, whose description says in words what was expected.
const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
const validatePack = ajv.compile<Pack>(PackSchema);

/** What each control type needs besides its type, so a pack cannot name a control it cannot wire. */
const REQUIRED_CONTROL_FIELD: Partial<Record<Control['type'], keyof Control>> = {
  detect: 'rule',
  restrict: 'target',
  approve: 'request',
  permit: 'action',
};

/**
 * Parses and validates a policy pack. Pure: takes the text and the name to report it under.
 * Every problem is reported with the file, the line, the path inside the pack and what was expected.
 */
export function parsePack(text: string, fileName: string): Pack {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new StewardError(
      'pack_parse_error',
      `${fileName}: not valid YAML`,
      doc.errors.map((e) => {
        const line = e.linePos?.[0]?.line ?? lineCounter.linePos(e.pos[0]).line;
        return { location: line ? `${fileName}:${line}` : fileName, ...(line ? { line } : {}), message: e.message.split('\n')[0] ?? e.message };
      }),
    );
  }
  const data: unknown = doc.toJS();
  const lineOf = (path: string): number | undefined => {
    const segments = path.split('/').filter(Boolean).map((s) => (/^\d+$/.test(s) ? Number(s) : s));
    let node: unknown = doc.contents;
    let found: Node | undefined;
    for (const seg of segments) {
      if (isMap(node)) node = node.get(seg, true);
      else if (isSeq(node)) node = node.get(seg as number, true);
      else break;
      if (node && typeof node === 'object' && 'range' in node) found = node as Node;
    }
    const offset = found?.range?.[0] ?? (doc.contents?.range?.[0] ?? 0);
    return lineCounter.linePos(offset).line;
  };
  const detail = (path: string, message: string): ErrorDetail => {
    const line = lineOf(path);
    return { location: `${fileName}:${line ?? 1} at ${path || '/'}`, field: path || '/', ...(line ? { line } : {}), message };
  };

  if (!validatePack(data)) {
    throw new StewardError('pack_invalid', `${fileName}: the pack does not match the steward-pack/1 format`, (validatePack.errors ?? []).slice(0, 50).map((e) => detail(e.instancePath, describeAjvError(e))));
  }
  const problems = semanticProblems(data);
  if (problems.length > 0) {
    throw new StewardError('pack_invalid', `${fileName}: the pack is inconsistent`, problems.map((p) => detail(p.path, p.message)));
  }
  return data;
}

function describeAjvError(e: ErrorObject): string {
  switch (e.keyword) {
    case 'required':
      return `expected a field "${String((e.params as { missingProperty: string }).missingProperty)}"`;
    case 'additionalProperties':
      return `unexpected field "${String((e.params as { additionalProperty: string }).additionalProperty)}"`;
    case 'pattern':
      return `expected ${e.parentSchema?.description ?? `text matching ${String((e.params as { pattern: string }).pattern)}`}`;
    case 'const':
      return `expected ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}`;
    case 'enum':
      return `expected one of: ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`;
    case 'anyOf':
      return 'expected a value of another shape';
    default:
      return `expected a value that ${e.message ?? 'matches the schema'}`;
  }
}

interface Problem {
  path: string;
  message: string;
}

function semanticProblems(pack: Pack): Problem[] {
  const problems: Problem[] = [];
  const docIds = new Set<string>();
  pack.documents.forEach((doc, d) => {
    if (docIds.has(doc.id)) problems.push({ path: `/documents/${d}/id`, message: `document id "${doc.id}" is used twice` });
    docIds.add(doc.id);
    const versionIds = new Set<string>();
    const published = doc.versions.filter((v) => v.status === 'published').length;
    if (published > 1) problems.push({ path: `/documents/${d}/versions`, message: 'expected at most one published version' });
    doc.versions.forEach((version, v) => {
      const base = `/documents/${d}/versions/${v}`;
      if (versionIds.has(version.id)) problems.push({ path: `${base}/id`, message: `version id "${version.id}" is used twice` });
      versionIds.add(version.id);
      if (version.textHeld && version.clauses.length === 0) problems.push({ path: `${base}/clauses`, message: 'expected clauses for a version whose text is held' });
      const refs = new Set<string>();
      version.clauses.forEach((clause, c) => {
        if (refs.has(clause.ref)) problems.push({ path: `${base}/clauses/${c}/ref`, message: `clause ref "${clause.ref}" is used twice in this version` });
        refs.add(clause.ref);
        clause.source.lines.forEach((spec, l) => {
          if (typeof spec === 'string') {
            const [from, to] = spec.split('-').map(Number) as [number, number];
            if (from > to) problems.push({ path: `${base}/clauses/${c}/source/lines/${l}`, message: `expected a range from a lower to a higher line, got "${spec}"` });
          }
        });
        clause.controls.forEach((control, k) => {
          const needed = REQUIRED_CONTROL_FIELD[control.type];
          if (needed && !control[needed]) {
            problems.push({ path: `${base}/clauses/${c}/controls/${k}`, message: `expected a "${needed}" for a ${control.type} control` });
          }
          problems.push(...manualStepProblems(control, `${base}/clauses/${c}/controls/${k}`));
        });
      });
    });
  });
  problems.push(...ruleProblemsOf(pack));
  problems.push(...requestProblemsOf(pack));
  problems.push(...caseworkProblemsOf(pack));
  problems.push(...trainingProblemsOf(pack));
  problems.push(...socialProblemsOf(pack));
  return problems;
}

/**
 * Public communication: every permit control names an action of the table, the social section's
 * card-number format compiles and its sections are clauses of the pack.
 */
function socialProblemsOf(pack: Pack): Problem[] {
  const problems: Problem[] = [];
  const refs = new Set(pack.documents.flatMap((doc) => currentVersion(doc).clauses.map((c) => c.ref)));
  pack.documents.forEach((doc, d) => {
    const current = currentVersion(doc);
    const v = doc.versions.indexOf(current);
    current.clauses.forEach((clause, c) => {
      clause.controls.forEach((control, k) => {
        if (control.type === 'permit' && control.action && !actionOfPermitKey(control.action)) {
          problems.push({ path: `/documents/${d}/versions/${v}/clauses/${c}/controls/${k}/action`, message: `expected one of ${SOCIAL_ACTIONS.map(permitKey).join(', ')}, got "${control.action}"` });
        }
      });
    });
  });
  const social = pack.library.social;
  if (social) {
    if (social.cardNumber !== undefined) {
      try {
        new RegExp(social.cardNumber, 'g');
      } catch (error) {
        problems.push({ path: '/library/social/cardNumber', message: `expected a regular expression: ${(error as Error).message}` });
      }
    }
    for (const [name, ref] of Object.entries(social.sections)) {
      if (ref !== undefined && !refs.has(ref)) problems.push({ path: `/library/social/sections/${name}`, message: `expected a clause ref of the pack's current versions, got "${ref}"` });
    }
  }
  return problems;
}

/** A manual step's recurrence and subjects: only on manual controls, a readable duration, roles to do it. */
function manualStepProblems(control: Control, path: string): Problem[] {
  const problems: Problem[] = [];
  for (const field of ['every', 'each'] as const) {
    if (control[field] !== undefined && control.type !== 'manual') problems.push({ path: `${path}/${field}`, message: `"${field}" only applies to a manual control` });
  }
  if (control.type === 'manual' && control.every !== undefined) {
    try {
      parseRecurrence(control.every);
    } catch (error) {
      problems.push({ path: `${path}/every`, message: (error as Error).message });
    }
  }
  if (control.type === 'manual' && control.each !== undefined && !control.roles?.length) problems.push({ path: `${path}/roles`, message: 'expected the roles that do a step for each person on the register' });
  return problems;
}

/** The training section: unique courses, roles that exist, and a course for every train control of a current version. */
function trainingProblemsOf(pack: Pack): Problem[] {
  const problems: Problem[] = [];
  const courses = pack.training?.courses ?? [];
  const courseIds = new Set<string>();
  courses.forEach((course, i) => {
    if (courseIds.has(course.id)) problems.push({ path: `/training/courses/${i}/id`, message: `course id "${course.id}" is used twice` });
    courseIds.add(course.id);
    course.assignTo.forEach((audience, a) => {
      const at = `/training/courses/${i}/assignTo/${a}`;
      if (audience.kind !== 'library' && !audience.value) problems.push({ path: `${at}/value`, message: `expected a ${audience.kind === 'role' ? 'role' : 'workgroup name'} for a ${audience.kind} audience` });
      if (audience.kind === 'role' && audience.value && !isRole(audience.value)) problems.push({ path: `${at}/value`, message: `expected one of the roles: ${ROLES.join(', ')}` });
    });
  });
  pack.documents.forEach((doc, d) => {
    const current = currentVersion(doc);
    const v = doc.versions.indexOf(current);
    current.clauses.forEach((clause, c) => {
      clause.controls.forEach((control, k) => {
        if (control.type === 'train' && control.course && !courseIds.has(control.course)) {
          problems.push({ path: `/documents/${d}/versions/${v}/clauses/${c}/controls/${k}/course`, message: `expected a course "${control.course}" in the pack's training section` });
        }
      });
    });
  });
  return problems;
}

/** The requests section: types that cite current clauses and have workable fields, and a type for every approve control. */
function requestProblemsOf(pack: Pack): Problem[] {
  const problems: Problem[] = [];
  const currentRefs = new Set(pack.documents.flatMap((doc) => currentVersion(doc).clauses.map((clause) => clause.ref)));
  const typeIds = new Set<string>();
  (pack.requests ?? []).forEach((type, t) => {
    const base = `/requests/${t}`;
    if (typeIds.has(type.id)) problems.push({ path: `${base}/id`, message: `request type id "${type.id}" is used twice` });
    typeIds.add(type.id);
    type.clauses.forEach((ref, c) => {
      if (!currentRefs.has(ref)) problems.push({ path: `${base}/clauses/${c}`, message: `expected the ref of a clause in a current version, got "${ref}"` });
    });
    if (type.requiresAcknowledgementOf && !pack.documents.some((d) => d.id === type.requiresAcknowledgementOf)) problems.push({ path: `${base}/requiresAcknowledgementOf`, message: `expected the id of a document in this pack, got "${type.requiresAcknowledgementOf}"` });
    const names = new Set<string>();
    type.fields.forEach((field, f) => {
      if (names.has(field.name)) problems.push({ path: `${base}/fields/${f}/name`, message: `field "${field.name}" is used twice` });
      names.add(field.name);
      if (field.type === 'choice' && !field.choices) problems.push({ path: `${base}/fields/${f}`, message: 'expected "choices" for a choice field' });
      if (field.type !== 'choice' && field.choices) problems.push({ path: `${base}/fields/${f}/choices`, message: 'choices only apply to a choice field' });
      if (field.min !== undefined && field.max !== undefined && field.min > field.max) problems.push({ path: `${base}/fields/${f}`, message: `expected min ${field.min} to be at most max ${field.max}` });
    });
  });
  pack.documents.forEach((doc, d) => {
    const current = currentVersion(doc);
    const v = doc.versions.indexOf(current);
    current.clauses.forEach((clause, c) => {
      clause.controls.forEach((control, k) => {
        if (control.type === 'approve' && control.request && !typeIds.has(control.request)) {
          problems.push({ path: `/documents/${d}/versions/${v}/clauses/${c}/controls/${k}/request`, message: `expected a request type "${control.request}" in the pack's requests section` });
        }
      });
    });
  });
  return problems;
}

/** library.casework (issue 5): the sections it follows are clauses of the current policy; the ladder names each step once. */
function caseworkProblemsOf(pack: Pack): Problem[] {
  const problems: Problem[] = [];
  const casework = pack.library.casework;
  if (!casework) return problems;
  const currentRefs = new Set(pack.documents.flatMap((doc) => currentVersion(doc).clauses.map((clause) => clause.ref)));
  casework.sections.forEach((ref, i) => {
    if (!currentRefs.has(ref)) problems.push({ path: `/library/casework/sections/${i}`, message: `expected the ref of a clause in a current version, got "${ref}"` });
  });
  casework.ladder.forEach((step, i) => {
    if (casework.ladder.indexOf(step) !== i) problems.push({ path: `/library/casework/ladder/${i}`, message: `"${step}" is on the ladder twice` });
    if (step === 'no_violation' || step === 'law_enforcement_referral') problems.push({ path: `/library/casework/ladder/${i}`, message: `"${step}" is not a corrective step` });
  });
  return problems;
}

/** The rules section: well-formed rules that cite clauses of the pack, and a rule for every web detect control. */
function ruleProblemsOf(pack: Pack): Problem[] {
  const problems: Problem[] = [];
  const rules = pack.rules ?? [];
  const currentRefs = new Set(pack.documents.flatMap((doc) => currentVersion(doc).clauses.map((clause) => clause.ref)));
  const ruleIds = new Set<string>();
  rules.forEach((rule, r) => {
    const base = `/rules/${r}`;
    if (ruleIds.has(rule.id)) problems.push({ path: `${base}/id`, message: `rule id "${rule.id}" is used twice` });
    ruleIds.add(rule.id);
    rule.clauses.forEach((ref, c) => {
      if (!currentRefs.has(ref)) problems.push({ path: `${base}/clauses/${c}`, message: `expected the ref of a clause in a current version, got "${ref}"` });
    });
    for (const p of ruleProblems(rule)) problems.push({ path: `${base}/${p.field.replace(/\./g, '/')}`, message: p.message });
    if (usesDuring(rule) && !pack.library.workHours) problems.push({ path: `${base}/match`, message: 'expected library.workHours to be set, as the rule depends on work time' });
  });
  pack.documents.forEach((doc, d) => {
    const current = currentVersion(doc);
    const v = doc.versions.indexOf(current);
    current.clauses.forEach((clause, c) => {
      clause.controls.forEach((control, k) => {
        if (control.type === 'detect' && control.rule?.startsWith('web.') && !ruleIds.has(control.rule)) {
          problems.push({ path: `/documents/${d}/versions/${v}/clauses/${c}/controls/${k}/rule`, message: `expected a rule "${control.rule}" in the pack's rules section` });
        }
        // The live filter recognises a software download by the extensions of the monitoring rule, so both agree.
        if (control.type === 'restrict' && control.target === FILTER_TARGETS.softwareDownload && matchExtensions(rules.find((r) => r.id === SOFTWARE_DOWNLOAD_RULE)?.match ?? {}).length === 0) {
          problems.push({ path: `/documents/${d}/versions/${v}/clauses/${c}/controls/${k}/target`, message: `expected a rule "${SOFTWARE_DOWNLOAD_RULE}" with file extensions in the pack's rules section: the filter blocks the downloads it describes` });
        }
      });
    });
  });
  return problems;
}
