import type { ControlStatus, ControlType } from '../domain/controls.js';
import type { Control, LibraryProfile } from '../domain/pack.js';

/**
 * The registry of controls that the code implements today. Coverage is computed from this list,
 * never from a flag in a pack. Each entry names the module that does the work; a test checks that
 * every named module exists, so an entry cannot outlive its implementation.
 *
 * When a feature lands, add its entry here: a detect rule id, a restrict target, a request type, or a
 * whole control type such as `acknowledge`.
 */
export interface ControlImplementation {
  type: ControlType;
  /** Which controls of that type this covers: a rule id, target or request type; '*' for all; 'prefix.*' for a family. */
  key: string;
  /** Repository path of the module that implements it. */
  implementedBy: string;
  /**
   * A module the library must adopt in its pack for this entry to apply: `social` is public Internet
   * communication (`library.social`). Other packs name `social.screen.*` for conduct in general;
   * screening only covers what is posted through Steward, so it counts only where the module is used.
   */
  requires?: LibraryModule;
}

export type LibraryModule = 'social';

/** The modules a library's profile adopts. */
export function libraryModules(library: Partial<Pick<LibraryProfile, 'social'>>): ReadonlySet<LibraryModule> {
  return new Set<LibraryModule>(library.social ? ['social'] : []);
}

export const IMPLEMENTED_CONTROLS: readonly ControlImplementation[] = [
  // Informational clauses are implemented by publishing them to staff in the policy browser.
  { type: 'informational', key: '*', implementedBy: 'src/api/routes/policies.ts' },
  // Web-usage rules: every `web.` rule a pack defines is evaluated on ingested proxy logs (the pack
  // parser refuses a pack whose detect control names an undefined `web.` rule).
  { type: 'detect', key: 'web.*', implementedBy: 'src/app/web-ingest.ts' },
  // Devices on the staff network (MAC addresses in imported DHCP leases) that no workstation or
  // approved device request accounts for.
  { type: 'detect', key: 'device.unapproved-network', implementedBy: 'src/app/device-check.ts' },
  // One account signed on at two machines at once, in imported logon records.
  { type: 'detect', key: 'account.shared-credentials', implementedBy: 'src/app/account-check.ts' },
  // Acknowledgements and training past their due date become findings in the daily obligation check.
  { type: 'detect', key: 'ack.overdue', implementedBy: 'src/app/obligation-check.ts' },
  { type: 'detect', key: 'training.overdue', implementedBy: 'src/app/obligation-check.ts' },
  // The real-time filter (Squid helper): categories blocked for everyone, suspensions of accounts,
  // workstations and people, and restrictions on workgroups (and roles and people).
  { type: 'restrict', key: 'category.*', implementedBy: 'src/engine/filter/policy.ts' },
  { type: 'restrict', key: 'suspension', implementedBy: 'src/engine/filter/policy.ts' },
  { type: 'restrict', key: 'workgroup-restriction', implementedBy: 'src/engine/filter/policy.ts' },
  // Software downloads blocked for everyone (by the extensions of the pack's web.download.software
  // rule) unless a domain grant covers the site; posting restrictions (write methods only) for the
  // supervisor's limit or stop on a Representative (Metropolitan SH 620.4 §1.5).
  { type: 'restrict', key: 'software-download', implementedBy: 'src/engine/filter/policy.ts' },
  { type: 'restrict', key: 'social-posting', implementedBy: 'src/engine/filter/policy.ts' },
  // Requests: every request type a pack declares is filed, routed through its approval chain and
  // kept on its register (the pack parser refuses an approve control naming an undeclared type).
  { type: 'approve', key: '*', implementedBy: 'src/app/requests.ts' },
  // Concerns and cases (issue 5): reporting (named, confidential, anonymous) routed as the pack says,
  // investigation with evidence, notice and response, decisions on the pack's ladder, access actions.
  { type: 'case', key: '*', implementedBy: 'src/app/cases.ts' },
  // Notices: the employee is told of an observed violation, the evidence, the clause and the time to
  // put it right, and answers (cases); staff are told of a restriction placed on them (filter).
  { type: 'notice', key: '*', implementedBy: 'src/app/cases.ts' },
  // Acknowledgement of the published version (campaigns, immutable records, overdue findings) and
  // recurring training for every course a pack defines (the parser refuses a train control naming
  // a course the pack's training section lacks).
  { type: 'acknowledge', key: '*', implementedBy: 'src/app/policy-publishing.ts' },
  { type: 'train', key: '*', implementedBy: 'src/app/training.ts' },
  // Manual steps: the people a manual control names record that it was done (who, when, for whom,
  // outcome, attachment); a recurring step (`every`) falls due, is reminded and shows overdue, also
  // per person on a register (`each`: MLS SH 620.4 §1.5 check-ins with every Representative).
  { type: 'manual', key: '*', implementedBy: 'src/app/manual-steps.ts' },
  // Public mentions of the library (MLS SH 620.4 §3.2), imported from feeds and CSV and reviewed.
  { type: 'detect', key: 'mentions.*', implementedBy: 'src/app/mentions.ts' },
  // Public Internet communication (MLS SH 620.4): the policy's table of Administrator and
  // Representative actions is checked on every action (the pack parser refuses a permit control
  // naming an unknown action); drafts are screened before posting, each hit citing its clause;
  // a supervisor's limit or stop is enforced on posting and time beyond a limit is flagged;
  // personal posts in work time outside breaks and lunch are flagged.
  { type: 'permit', key: 'social.*', implementedBy: 'src/app/social.ts', requires: 'social' },
  { type: 'detect', key: 'social.screen.*', implementedBy: 'src/engine/screening/screen.ts', requires: 'social' },
  { type: 'detect', key: 'social.directive-exceeded', implementedBy: 'src/engine/social.ts', requires: 'social' },
  { type: 'detect', key: 'social.personal-outside-breaks', implementedBy: 'src/engine/social.ts', requires: 'social' },
];

/** The key a control is matched on: the rule, target, request or course it names. */
export function controlKey(control: Control): string {
  return control.rule ?? control.target ?? control.request ?? control.course ?? control.action ?? '*';
}

export function controlStatus(control: Control, registry: readonly ControlImplementation[] = IMPLEMENTED_CONTROLS, modules: ReadonlySet<LibraryModule> = new Set()): ControlStatus {
  const key = controlKey(control);
  const hit = registry.some((impl) => impl.type === control.type && (!impl.requires || modules.has(impl.requires)) && (impl.key === '*' || impl.key === key || (impl.key.endsWith('.*') && key.startsWith(impl.key.slice(0, -1)))));
  return hit ? 'implemented' : 'not yet';
}
