import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatBytes, formatDate } from '../format.js';
import type { ReportRow } from '../types.js';

/** The web-usage report charts (recharts loads with them, not before). */

const axisTick = { fill: '#4a5568', fontSize: 12 };
const BAR = '#1d4e89';
const BAR_ALT = '#3b82c4';
const LINE_NONWORK = '#d9505c';
const cursor = { fill: 'rgba(29, 78, 137, 0.06)' };

interface TooltipEntry {
  name?: string | number;
  value?: unknown;
  color?: string;
  payload?: { label?: string; bytes?: number; people?: number };
}

function ReportTooltip({ active, payload, label }: { active?: boolean; payload?: ReadonlyArray<TooltipEntry>; label?: string | number }) {
  const first = payload?.[0]?.payload;
  if (!active || !payload || payload.length === 0 || !first) return null;
  return (
    <div className="chart-tooltip">
      <p className="chart-tooltip__title">{first.label ?? label}</p>
      {payload.map((entry, i) => (
        <p key={i}>
          <span className="swatch" style={{ background: entry.color }} /> {entry.name}: <strong>{Number(entry.value).toLocaleString('en-US')}</strong>
        </p>
      ))}
      {first.bytes !== undefined ? <p className="chart-tooltip__desc">{formatBytes(first.bytes)}</p> : null}
      {first.people !== undefined ? <p className="chart-tooltip__desc">{first.people.toLocaleString('en-US')} people</p> : null}
    </div>
  );
}

const truncate = (text: string, max = 22) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
const heightFor = (rows: number) => Math.max(160, rows * 30 + 40);

/** Horizontal bars, most requested first: categories, domains, workgroups. */
export function RequestsBarChart({ rows, chart, color = BAR }: { rows: ReportRow[]; chart: string; color?: string }) {
  const data = rows.map((r) => ({ name: truncate(r.label), label: r.label, requests: r.requests, bytes: r.bytes, people: r.people }));
  return (
    <div className="chart" data-chart={chart}>
      <ResponsiveContainer width="100%" height={heightFor(data.length)}>
        <BarChart data={data} layout="vertical" margin={{ top: 4, right: 16, bottom: 4, left: 0 }} barCategoryGap="22%">
          <CartesianGrid horizontal={false} stroke="#e3e8ef" />
          <XAxis type="number" allowDecimals={false} tick={axisTick} stroke="#a0aec0" tickLine={false} />
          <YAxis type="category" dataKey="name" width={150} tick={axisTick} stroke="#a0aec0" tickLine={false} interval={0} />
          <Tooltip content={<ReportTooltip />} cursor={cursor} />
          <Bar dataKey="requests" name="Requests" fill={color} radius={[0, 4, 4, 0]} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

export function CategoriesChart({ rows }: { rows: ReportRow[] }) {
  return <RequestsBarChart rows={rows} chart="web-categories" />;
}

export function DomainsChart({ rows }: { rows: ReportRow[] }) {
  return <RequestsBarChart rows={rows} chart="web-domains" color={BAR_ALT} />;
}

export function WorkgroupsChart({ rows }: { rows: ReportRow[] }) {
  return <RequestsBarChart rows={rows} chart="web-workgroups" />;
}

/** Requests per local day, with the estimated non-work minutes on a second axis. */
export function TrendChart({ rows }: { rows: ReportRow[] }) {
  const data = rows.map((r) => ({ name: formatDate(r.key).replace(/, \d{4}$/, ''), label: formatDate(r.key), requests: r.requests, nonWork: r.nonWorkMinutes ?? 0 }));
  return (
    <div className="chart" data-chart="web-trend">
      <ResponsiveContainer width="100%" height={280}>
        <LineChart data={data} margin={{ top: 8, right: 8, bottom: 4, left: -8 }}>
          <CartesianGrid vertical={false} stroke="#e3e8ef" />
          <XAxis dataKey="name" tick={axisTick} stroke="#a0aec0" tickLine={false} minTickGap={16} />
          <YAxis yAxisId="requests" allowDecimals={false} tick={axisTick} stroke="#a0aec0" axisLine={false} tickLine={false} />
          <YAxis yAxisId="minutes" orientation="right" allowDecimals={false} tick={axisTick} stroke="#a0aec0" axisLine={false} tickLine={false} />
          <Tooltip content={<ReportTooltip />} />
          <Legend wrapperStyle={{ paddingTop: 8 }} />
          <Line yAxisId="requests" type="monotone" dataKey="requests" name="Requests" stroke={BAR} strokeWidth={2} dot={data.length <= 31} />
          <Line yAxisId="minutes" type="monotone" dataKey="nonWork" name="Non-work minutes (est.)" stroke={LINE_NONWORK} strokeWidth={2} strokeDasharray="5 3" dot={false} />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
