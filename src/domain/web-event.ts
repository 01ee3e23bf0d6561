/**
 * A web request after normalization, attribution and classification: what the rules engine sees.
 * Batch log ingestion and the live filter both produce it, so one rule set serves both.
 *
 * Producers are expected to lower-case `host`, `domain` and `mime` and upper-case `method`; the
 * engine still copes with anything else (a field of the wrong type or missing simply does not match).
 */
export interface ClassifiedEvent {
  /** Stable id of the log line or filter decision, kept as evidence on findings. */
  eventId: string;
  /** Epoch milliseconds (UTC). */
  timeMs: number;
  /** Null when the request could not be attributed to a person; the client address stands in. */
  personId: string | null;
  workgroupId: string | null;
  roles: readonly string[];
  clientIp: string;
  host: string;
  /** The registrable domain of `host` (example.co.uk for www.example.co.uk). */
  domain: string;
  /** Path and query; '' when the library runs in privacy mode and paths are not kept. */
  path: string;
  method: string;
  status: number;
  bytes: number;
  mime: string | null;
  /** Category names from the classifier, as packs name them (gambling, socialnetworks, ...). */
  categories: readonly string[];
  /** True when the filter refused the request. */
  denied: boolean;
}
