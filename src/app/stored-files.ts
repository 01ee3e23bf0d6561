import { createHash } from 'node:crypto';
import { invalid, type ErrorDetail } from '../domain/errors.js';
import type { Executor } from '../store/db.js';
import { putBlob } from '../store/cases.js';

/**
 * Files people attach (case evidence, a manual step's record) are checked the same way and stored
 * once per library under their SHA-256 in evidence_blobs, where nothing updates them.
 */

export const MAX_FILE_BYTES = 10 * 1024 * 1024;

export interface UploadedFile {
  fileName: string;
  mediaType?: string;
  label?: string;
  content: Buffer;
}

export interface CheckedFile {
  fileName: string;
  mediaType: string;
  content: Buffer;
  sha256: string;
}

/** Names, size and media type checked; the problems are added to `problems` under `field`. */
export function checkFile(file: UploadedFile, problems: ErrorDetail[], field = 'contentBase64'): CheckedFile {
  const fileName = file.fileName?.trim().replace(/[\\/]/g, '_') ?? '';
  if (!fileName || fileName.length > 200) problems.push({ field: 'fileName', message: 'expected a file name of 1 to 200 characters' });
  if (file.content.length === 0) problems.push({ field, message: 'the file is empty' });
  if (file.content.length > MAX_FILE_BYTES) problems.push({ field, message: `the file is larger than ${MAX_FILE_BYTES / 1024 / 1024} MB` });
  const mediaType = file.mediaType?.trim() || 'application/octet-stream';
  if (!/^[\w.+-]+\/[\w.+-]+$/.test(mediaType)) problems.push({ field: 'mediaType', message: 'expected a media type such as application/pdf' });
  return { fileName, mediaType, content: file.content, sha256: createHash('sha256').update(file.content).digest('hex') };
}

/** Checks one file on its own, throwing a 400 that names every problem. */
export function checkedFile(file: UploadedFile, what: string): CheckedFile {
  const problems: ErrorDetail[] = [];
  const checked = checkFile(file, problems);
  if (problems.length > 0) throw invalid(`The ${what} cannot be added`, problems);
  return checked;
}

/** Stores the content under its hash (a second copy of the same bytes adds nothing). */
export async function storeFile(trx: Executor, libraryId: string, file: CheckedFile, at: string): Promise<void> {
  await putBlob(trx, libraryId, file.sha256, file.content, at);
}
