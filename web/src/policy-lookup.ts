import { useFetch } from './hooks.js';
import type { DocumentView, VersionView } from './types.js';

/** The document and version a version id belongs to, from the library's policy list. */
export function useVersion(libraryId: string, versionId: string): { doc?: DocumentView; version?: VersionView; error: unknown } {
  const docs = useFetch<{ items: DocumentView[] }>(`/api/libraries/${encodeURIComponent(libraryId)}/policies`);
  for (const doc of docs.data?.items ?? []) {
    const version = doc.versions.find((v) => v.id === versionId);
    if (version) return { doc, version, error: docs.error };
  }
  return { error: docs.error };
}
