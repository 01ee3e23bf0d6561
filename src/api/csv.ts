import type { FastifyReply } from 'fastify';
import { stringify } from 'csv-stringify/sync';

export interface CsvColumn<T> {
  header: string;
  value(row: T): string | number | boolean | null | undefined;
}

/**
 * A spreadsheet reads a cell starting with = + - @ (or a tab or carriage return) as a formula;
 * log data is written by outsiders (hosts, paths), so such text cells get a leading apostrophe.
 */
const FORMULA = /^[=+\-@\t\r]/;
const cell = (value: string | number | boolean | null | undefined): string | number => {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return FORMULA.test(value) ? `'${value}` : value;
};

export function toCsv<T>(columns: ReadonlyArray<CsvColumn<T>>, rows: readonly T[]): string {
  return stringify([columns.map((c) => c.header), ...rows.map((row) => columns.map((c) => cell(c.value(row))))]);
}

/** Sends rows as an attachment; the filename is reduced to safe characters. */
export function sendCsv<T>(reply: FastifyReply, filename: string, columns: ReadonlyArray<CsvColumn<T>>, rows: readonly T[]): FastifyReply {
  const safe = filename.replace(/[^A-Za-z0-9._-]+/g, '-');
  return reply.header('content-disposition', `attachment; filename="${safe}"`).header('cache-control', 'no-store').type('text/csv; charset=utf-8').send(toCsv(columns, rows));
}

/** The rows a list answers: its page, or (format=csv) all of them up to `csvLimit`, for a download. */
export function listWindow(query: { limit: number; offset: number; format?: 'json' | 'csv' | undefined }, csvLimit = 100_000): { csv: boolean; limit: number; offset: number } {
  const csv = query.format === 'csv';
  return { csv, limit: csv ? csvLimit : query.limit, offset: csv ? 0 : query.offset };
}
