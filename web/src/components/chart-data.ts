import { CONTROL_TYPES } from '../../../src/domain/controls.js';
import type { CoverageView } from '../types.js';

/** What the dashboard needs without loading the chart library (recharts loads with the charts). */
export const CHART_COLORS = { implemented: '#23895b', partial: '#e0a030', notYet: '#d9505c' };
export const CHART_HEIGHT = 280;

const typeLabel = (t: string) => t.charAt(0).toUpperCase() + t.slice(1);

export interface TypeRow {
  type: string;
  label: string;
  implemented: number;
  notYet: number;
}

export function controlTypeRows(coverage: CoverageView): TypeRow[] {
  return CONTROL_TYPES.map((type) => ({ type, label: typeLabel(type), implemented: coverage.byControlType[type]?.implemented ?? 0, notYet: coverage.byControlType[type]?.notYet ?? 0 })).filter(
    (r) => r.implemented + r.notYet > 0,
  );
}

