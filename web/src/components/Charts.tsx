import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { CONTROL_DESCRIPTIONS, type ControlType } from '../../../src/domain/controls.js';
import { CHART_COLORS, CHART_HEIGHT, controlTypeRows } from './chart-data.js';
import type { CoverageView } from '../types.js';

const axisTick = { fill: '#4a5568', fontSize: 13 };

interface TooltipEntry {
  name?: string | number;
  value?: unknown;
  color?: string;
  payload?: { fullName?: string; type?: string; label?: string };
}

/** One tooltip for both charts: a title, an optional description, then each series with its swatch. */
function ChartTooltip({ active, payload, label }: { active?: boolean; payload?: ReadonlyArray<TooltipEntry>; label?: string | number }) {
  const first = payload?.[0]?.payload;
  if (!active || !payload || payload.length === 0 || !first) return null;
  const description = first.type ? CONTROL_DESCRIPTIONS[first.type as ControlType] : undefined;
  return (
    <div className="chart-tooltip">
      <p className="chart-tooltip__title">{first.fullName ?? first.label ?? label}</p>
      {description ? <p className="chart-tooltip__desc">{description}</p> : null}
      {payload.map((entry, i) => (
        <p key={i}>
          <span className="swatch" style={{ background: entry.color }} /> {entry.name}: <strong>{String(entry.value)}</strong>
        </p>
      ))}
    </div>
  );
}

/** Implemented / partial / not yet clauses per library, stacked; one column per library. */
export function LibraryCoverageChart({ items, shortNames }: { items: CoverageView[]; shortNames: Record<string, string> }) {
  const data = items.map((i) => ({ name: shortNames[i.libraryId] ?? i.libraryName, fullName: i.libraryName, implemented: i.totals.implemented, partial: i.totals.partial, notYet: i.totals.notYet }));
  return (
    <div className="chart" data-chart="library-coverage">
      <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
        <BarChart data={data} margin={{ top: 8, right: 8, bottom: 4, left: -8 }} barCategoryGap="28%" maxBarSize={88}>
          <CartesianGrid vertical={false} stroke="#e3e8ef" />
          <XAxis dataKey="name" tick={axisTick} stroke="#a0aec0" tickLine={false} />
          <YAxis allowDecimals={false} tick={axisTick} stroke="#a0aec0" axisLine={false} tickLine={false} />
          <Tooltip content={<ChartTooltip />} itemSorter={() => 0} cursor={{ fill: 'rgba(29, 78, 137, 0.06)' }} />
          <Legend wrapperStyle={{ paddingTop: 8 }} itemSorter={null} />
          <Bar dataKey="implemented" name="Implemented" stackId="clauses" fill={CHART_COLORS.implemented} />
          <Bar dataKey="partial" name="Partial" stackId="clauses" fill={CHART_COLORS.partial} />
          <Bar dataKey="notYet" name="Not yet" stackId="clauses" fill={CHART_COLORS.notYet} radius={[4, 4, 0, 0]} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

/** Controls by type for one library: how many are implemented and how many are not yet. */
export function ControlTypeChart({ coverage }: { coverage: CoverageView }) {
  const data = controlTypeRows(coverage);
  return (
    <div className="chart" data-chart="control-types">
      <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
        <BarChart data={data} layout="vertical" margin={{ top: 8, right: 16, bottom: 4, left: 0 }} barCategoryGap="22%">
          <CartesianGrid horizontal={false} stroke="#e3e8ef" />
          <XAxis type="number" allowDecimals={false} tick={axisTick} stroke="#a0aec0" tickLine={false} />
          <YAxis type="category" dataKey="label" width={104} tick={axisTick} stroke="#a0aec0" tickLine={false} interval={0} />
          <Tooltip content={<ChartTooltip />} itemSorter={() => 0} cursor={{ fill: 'rgba(29, 78, 137, 0.06)' }} />
          <Legend wrapperStyle={{ paddingTop: 8 }} itemSorter={null} />
          <Bar dataKey="implemented" name="Implemented" stackId="controls" fill={CHART_COLORS.implemented} />
          <Bar dataKey="notYet" name="Not yet" stackId="controls" fill={CHART_COLORS.notYet} radius={[0, 4, 4, 0]} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
