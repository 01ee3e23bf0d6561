import { WEEKDAY_NAMES } from '../../../src/domain/local-time.js';
import type { ReportRow } from '../types.js';

const HOURS = Array.from({ length: 24 }, (_, h) => h);

/** Requests by weekday × hour on the library's wall clock, as a grid of shaded cells. */
export function HeatMap({ rows, timezone }: { rows: ReportRow[]; timezone: string }) {
  const counts = new Map(rows.map((r) => [`${r.weekday}-${r.hour}`, r.requests]));
  const max = Math.max(1, ...rows.map((r) => r.requests));
  return (
    <div className="heatmap-wrap">
      <div className="heatmap" data-chart="web-heatmap" role="table" aria-label={`Requests by weekday and hour (${timezone})`}>
        <div className="heatmap__row" role="row">
          <span className="heatmap__corner" role="columnheader">
            <span className="visually-hidden">Day</span>
          </span>
          {HOURS.map((h) => (
            <span key={h} className="heatmap__hour" role="columnheader" aria-label={`${String(h).padStart(2, '0')}:00`}>
              {h % 3 === 0 ? String(h).padStart(2, '0') : ''}
            </span>
          ))}
        </div>
        {WEEKDAY_NAMES.map((day, weekday) => (
          <div key={day} className="heatmap__row" role="row">
            <span className="heatmap__day" role="rowheader">
              {day.slice(0, 3)}
            </span>
            {HOURS.map((hour) => {
              const n = counts.get(`${weekday}-${hour}`) ?? 0;
              const label = `${day} ${String(hour).padStart(2, '0')}:00: ${n.toLocaleString('en-US')} requests`;
              return (
                <span
                  key={hour}
                  className={`heatmap__cell${n > 0 ? ' heatmap__cell--on' : ''}`}
                  role="cell"
                  title={label}
                  aria-label={label}
                  data-weekday={weekday}
                  data-hour={hour}
                  data-count={n}
                  style={n > 0 ? { background: `rgba(29, 78, 137, ${(0.12 + 0.88 * (n / max)).toFixed(3)})` } : undefined}
                />
              );
            })}
          </div>
        ))}
      </div>
      <p className="heatmap__legend muted small">
        <span className="heatmap__scale" aria-hidden="true" /> fewer → more requests (busiest hour: {max.toLocaleString('en-US')}); times in {timezone}
      </p>
    </div>
  );
}
