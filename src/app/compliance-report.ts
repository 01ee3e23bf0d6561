import PDFDocument from 'pdfkit';
import type { Actor } from '../domain/authz.js';
import { can, rolesIn } from '../domain/authz.js';
import type { ObligationState } from '../domain/training.js';
import type { CalendarEvent } from '../engine/icalendar.js';
import type { Executor } from '../store/db.js';
import { nowIso } from '../store/ids.js';
import { loadRoster, type RosterPerson } from '../store/obligations.js';
import { pdfBytes, pdfText } from './evidence-packet.js';
import { ackStates } from './policy-publishing.js';
import { trainingStates } from './training.js';

/**
 * The manager view: each person's acknowledgement and training standing. A supervisor sees the people
 * who report to them (down the chain), an associate director also the workgroups they lead, the
 * director and HR the whole library. Exported as CSV and as a PDF for the board.
 */

export interface Obligation {
  kind: 'ack' | 'training';
  key: string;
  title: string;
  state: ObligationState;
  dueOn: string | null;
  doneOn: string | null;
}

export interface PersonStanding {
  personId: string;
  name: string;
  employeeId: string;
  title: string | null;
  workgroup: string | null;
  supervisor: string | null;
  obligations: Obligation[];
  overdue: number;
  pending: number;
  done: number;
}

export interface ComplianceReport {
  libraryId: string;
  day: string;
  scope: 'library' | 'team' | 'self';
  people: PersonStanding[];
  /** Per obligation: done / pending / overdue counts. */
  totals: Array<{ kind: 'ack' | 'training'; key: string; title: string; done: number; pending: number; overdue: number }>;
  /** Per workgroup: share done, for the chart. */
  workgroups: Array<{ workgroup: string; done: number; pending: number; overdue: number }>;
}

/** Who the actor may see: their reports down the chain, the workgroups they lead, or the whole library. */
export async function teamOf(db: Executor, actor: Actor, libraryId: string, roster: readonly RosterPerson[]): Promise<{ scope: ComplianceReport['scope']; ids: Set<string> }> {
  if (can(actor, 'compliance.view', { libraryId, relation: 'other' })) return { scope: 'library', ids: new Set(roster.map((p) => p.id)) };
  const ids = new Set<string>();
  const me = actor.personId;
  if (!me) return { scope: 'team', ids };
  const roles = rolesIn(actor, libraryId);
  const bySupervisor = new Map<string, string[]>();
  for (const p of roster) if (p.supervisorId) bySupervisor.set(p.supervisorId, [...(bySupervisor.get(p.supervisorId) ?? []), p.id]);
  if (roles.includes('supervisor') || roles.includes('associate_director')) {
    const stack = [...(bySupervisor.get(me) ?? [])];
    while (stack.length > 0) {
      const id = stack.pop()!;
      if (ids.has(id) || id === me) continue;
      ids.add(id);
      stack.push(...(bySupervisor.get(id) ?? []));
    }
  }
  if (roles.includes('associate_director')) {
    const led = new Set((await db.selectFrom('workgroups').select('id').where('library_id', '=', libraryId).where('associate_director_id', '=', me).execute()).map((w) => w.id));
    for (const p of roster) if (p.workgroupId && led.has(p.workgroupId) && p.id !== me) ids.add(p.id);
  }
  return { scope: 'team', ids };
}

/** The standing of the given people (all of the roster when `ids` is absent) on every obligation. */
export async function complianceReport(db: Executor, libraryId: string, scope: ComplianceReport['scope'], ids: Set<string> | null, now = new Date()): Promise<ComplianceReport> {
  const day = nowIso(now).slice(0, 10);
  const roster = (await loadRoster(db, libraryId)).filter((p) => !ids || ids.has(p.id));
  const names = new Map((await loadRoster(db, libraryId)).map((p) => [p.id, p.name]));
  const [acks, courses] = await Promise.all([ackStates(db, libraryId, roster, day), trainingStates(db, libraryId, roster, day)]);
  const people: PersonStanding[] = roster.map((p) => {
    const obligations: Obligation[] = [];
    for (const doc of acks) {
      const s = doc.people.get(p.id);
      if (s) obligations.push({ kind: 'ack', key: doc.docKey, title: `Acknowledge ${doc.title}`, state: s.state, dueOn: s.dueOn, doneOn: s.acknowledgedOn?.slice(0, 10) ?? null });
    }
    for (const course of courses) {
      const s = course.people.get(p.id);
      if (s) obligations.push({ kind: 'training', key: course.courseKey, title: course.title, state: s.state, dueOn: s.dueOn, doneOn: s.lastCompletedOn });
    }
    const count = (state: ObligationState) => obligations.filter((o) => o.state === state).length;
    return { personId: p.id, name: p.name, employeeId: p.employeeId, title: p.title, workgroup: p.workgroup, supervisor: p.supervisorId ? (names.get(p.supervisorId) ?? null) : null, obligations, overdue: count('overdue'), pending: count('due'), done: count('done') };
  });
  const totals = [
    ...acks.map((d) => ({ kind: 'ack' as const, key: d.docKey, title: `Acknowledge ${d.title}`, states: [...d.people.values()].map((s) => s.state) })),
    ...courses.map((c) => ({ kind: 'training' as const, key: c.courseKey, title: c.title, states: [...c.people.values()].map((s) => s.state) })),
  ]
    .filter((t) => t.states.length > 0)
    .map(({ states, ...t }) => ({ ...t, done: states.filter((s) => s === 'done').length, pending: states.filter((s) => s === 'due').length, overdue: states.filter((s) => s === 'overdue').length }));
  const groups = new Map<string, { done: number; pending: number; overdue: number }>();
  for (const p of people) {
    const g = groups.get(p.workgroup ?? '(no workgroup)') ?? { done: 0, pending: 0, overdue: 0 };
    g.done += p.done;
    g.pending += p.pending;
    g.overdue += p.overdue;
    groups.set(p.workgroup ?? '(no workgroup)', g);
  }
  return { libraryId, day, scope, people, totals, workgroups: [...groups].map(([workgroup, g]) => ({ workgroup, ...g })).sort((a, b) => a.workgroup.localeCompare(b.workgroup)) };
}

/** One row per person and obligation, for the CSV export. */
export function complianceRows(report: ComplianceReport) {
  return report.people.flatMap((p) => p.obligations.map((o) => ({ ...o, name: p.name, employeeId: p.employeeId, workgroup: p.workgroup, supervisor: p.supervisor })));
}

/** Due dates of one person, for their calendar feed. */
export function calendarEvents(report: ComplianceReport, publicUrl: string): CalendarEvent[] {
  const person = report.people[0];
  if (!person) return [];
  return person.obligations
    .filter((o) => o.dueOn)
    .map((o) => ({
      uid: `${report.libraryId}-${person.personId}-${o.kind}-${o.key}-${o.dueOn}@steward`,
      day: o.dueOn!,
      summary: o.kind === 'ack' ? `${o.title} (due)` : `Training due: ${o.title}`,
      description: o.state === 'overdue' ? `Overdue since ${o.dueOn}.` : `Due by ${o.dueOn}.`,
      url: `${publicUrl}/#/libraries/${report.libraryId}/${o.kind === 'ack' ? `acknowledge/${encodeURIComponent(o.key)}` : 'obligations'}`,
      alarmDaysBefore: 3,
    }));
}

/** A PDF for the board: totals per obligation, then each person's outstanding items. */
export async function renderCompliancePdf(report: ComplianceReport, libraryName: string): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'LETTER', margin: 54, compress: false, info: { Title: pdfText(`Acknowledgement and training: ${libraryName}`), Author: 'Steward' } });
  const done = pdfBytes(doc);
  const t = (s: string, o: PDFKit.Mixins.TextOptions = {}) => doc.text(pdfText(s), o);
  doc.font('Helvetica-Bold').fontSize(16).fillColor('#16202e');
  t(`Policy acknowledgement and training: ${libraryName}`);
  doc.font('Helvetica').fontSize(10).fillColor('#5b6778');
  t(`Status on ${report.day} · ${report.scope === 'library' ? 'whole library' : 'team'} · ${report.people.length} people`);
  doc.moveDown();
  doc.font('Helvetica-Bold').fontSize(12).fillColor('#16202e');
  t('Summary');
  doc.font('Helvetica').fontSize(10);
  for (const total of report.totals) {
    const all = total.done + total.pending + total.overdue;
    t(`${total.title}: ${total.done} of ${all} done (${all ? Math.round((100 * total.done) / all) : 0}%), ${total.pending} pending, ${total.overdue} overdue`);
  }
  doc.moveDown();
  doc.font('Helvetica-Bold').fontSize(12);
  t('Outstanding, by person');
  doc.font('Helvetica').fontSize(9);
  const outstanding = report.people.filter((p) => p.overdue + p.pending > 0);
  if (outstanding.length === 0) t('Nothing is outstanding.');
  for (const p of outstanding) {
    if (doc.y > doc.page.height - 90) doc.addPage();
    doc.font('Helvetica-Bold');
    t(`${p.name} (${p.employeeId})${p.workgroup ? ` · ${p.workgroup}` : ''}${p.supervisor ? ` · supervisor ${p.supervisor}` : ''}`);
    doc.font('Helvetica');
    for (const o of p.obligations.filter((x) => x.state !== 'done')) t(`    ${o.state === 'overdue' ? 'OVERDUE' : 'pending'}: ${o.title}${o.dueOn ? `, due ${o.dueOn}` : ''}`);
  }
  doc.end();
  return done;
}
