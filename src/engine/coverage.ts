import type { ClauseKind, ControlStatus, ControlType } from '../domain/controls.js';
import { CONTROL_TYPES } from '../domain/controls.js';
import { currentVersion, type Control, type Pack } from '../domain/pack.js';
import { controlKey, controlStatus, IMPLEMENTED_CONTROLS, libraryModules, type ControlImplementation, type LibraryModule } from './control-registry.js';

export interface ControlCoverage {
  type: ControlType;
  key: string;
  status: ControlStatus;
  note?: string;
}

export interface ClauseCoverage {
  documentId: string;
  versionId: string;
  ref: string;
  title: string;
  kind: ClauseKind;
  controls: ControlCoverage[];
  /** implemented: every control is; partial: some are; not yet: none are. */
  status: 'implemented' | 'partial' | 'not yet';
}

export interface LibraryCoverage {
  libraryId: string;
  libraryName: string;
  clauses: ClauseCoverage[];
  totals: { clauses: number; implemented: number; partial: number; notYet: number };
  byControlType: Record<ControlType, { implemented: number; notYet: number }>;
}

export interface CoverageInput {
  documentId: string;
  versionId: string;
  clauses: ReadonlyArray<{ ref: string; title: string; kind: ClauseKind; controls: readonly Control[] }>;
}

/** Coverage of clauses grouped by document version, as the packs or the store hold them. */
export function clausesCoverage(libraryId: string, libraryName: string, inputs: readonly CoverageInput[], registry: readonly ControlImplementation[] = IMPLEMENTED_CONTROLS, modules: ReadonlySet<LibraryModule> = new Set()): LibraryCoverage {
  const clauses: ClauseCoverage[] = [];
  for (const input of inputs) {
    for (const clause of input.clauses) {
      const controls = clause.controls.map((control) => ({
        type: control.type,
        key: controlKey(control),
        status: controlStatus(control, registry, modules),
        ...(control.note ? { note: control.note } : {}),
      }));
      clauses.push({ documentId: input.documentId, versionId: input.versionId, ref: clause.ref, title: clause.title, kind: clause.kind, controls, status: rollUp(controls.map((c) => c.status)) });
    }
  }
  return summarize(libraryId, libraryName, clauses);
}

/** Coverage of the current version of every document in a pack. */
export function packCoverage(pack: Pack, registry: readonly ControlImplementation[] = IMPLEMENTED_CONTROLS): LibraryCoverage {
  const inputs = pack.documents.map((doc) => {
    const version = currentVersion(doc);
    return { documentId: doc.id, versionId: version.id, clauses: version.clauses };
  });
  return clausesCoverage(pack.library.id, pack.library.name, inputs, registry, libraryModules(pack.library));
}

export function summarize(libraryId: string, libraryName: string, clauses: ClauseCoverage[]): LibraryCoverage {
  const byControlType = Object.fromEntries(CONTROL_TYPES.map((t) => [t, { implemented: 0, notYet: 0 }])) as LibraryCoverage['byControlType'];
  for (const clause of clauses) {
    for (const control of clause.controls) {
      const bucket = byControlType[control.type];
      if (control.status === 'implemented') bucket.implemented++;
      else bucket.notYet++;
    }
  }
  return {
    libraryId,
    libraryName,
    clauses,
    totals: {
      clauses: clauses.length,
      implemented: clauses.filter((c) => c.status === 'implemented').length,
      partial: clauses.filter((c) => c.status === 'partial').length,
      notYet: clauses.filter((c) => c.status === 'not yet').length,
    },
    byControlType,
  };
}

export function rollUp(statuses: ControlStatus[]): ClauseCoverage['status'] {
  const done = statuses.filter((s) => s === 'implemented').length;
  if (done === statuses.length) return 'implemented';
  return done === 0 ? 'not yet' : 'partial';
}
