import { Ajv } from 'ajv';
import { FilterSnapshotSchema, type FilterSnapshot } from '../../domain/filter.js';
import { invalid } from '../../domain/errors.js';

const ajv = new Ajv({ allErrors: true, strict: false });
const validateSnapshot = ajv.compile<FilterSnapshot>(FilterSnapshotSchema);

/** Reads a snapshot's JSON text; a wrong format or shape is a validation error listing every problem. */
export function parseSnapshot(text: string, source = 'snapshot'): FilterSnapshot {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw invalid(`${source} is not JSON`, [{ location: source, message: (error as Error).message }]);
  }
  if (!validateSnapshot(data)) {
    throw invalid(
      `${source} is not a Steward filter snapshot`,
      (validateSnapshot.errors ?? []).slice(0, 20).map((e) => ({ location: `${source}${e.instancePath ? `#${e.instancePath}` : ''}`, message: e.message ?? 'is not valid' })),
    );
  }
  return data;
}
