import path from 'node:path';
import { Readable } from 'node:stream';
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { prepareMonitoring } from '../../app/web-ingest.js';
import { ingestSquidUpload, UploadTooLarge } from '../../app/squid-upload.js';
import { invalid, notFound } from '../../domain/errors.js';
import type { Pack } from '../../domain/pack.js';
import { loadShippedPacks } from '../../sources/pack-files.js';
import { authorize } from '../auth.js';
import type { ApiContext } from '../context.js';
import { LibraryParams } from '../schemas.js';

/** Default most bytes one upload may send (compressed size, if gzip). */
export const MAX_UPLOAD_BYTES = 512 * 1024 * 1024;
const UPLOAD_TYPES = ['application/octet-stream', 'text/plain'];

const Summary = Type.Object({
  sourceId: Type.String(),
  resumedAt: Type.Integer({ description: 'byte (of the uncompressed log) where this upload resumed: a log ingested before continues at its checkpoint' }),
  lines: Type.Integer(),
  accepted: Type.Integer(),
  quarantined: Type.Integer(),
  findingsOpened: Type.Integer(),
  bytes: Type.Integer({ description: 'uncompressed bytes ingested' }),
  received: Type.Integer({ description: 'bytes received' }),
  gzip: Type.Boolean(),
});

/** Category list directories for uploads: STEWARD_CATEGORIES (directories separated by the path delimiter, `:` on Unix). */
export function categoriesFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env.STEWARD_CATEGORIES ?? '').split(path.delimiter).map((d) => d.trim()).filter((d) => d.length > 0);
}

let shippedPacks: Promise<Pack[]> | undefined;

export const squidIngestRoutes = (ctx: ApiContext, options: { maxBytes?: number } = {}): FastifyPluginAsyncTypebox => async (app) => {
  const maxBytes = options.maxBytes ?? MAX_UPLOAD_BYTES;
  // The body is handed over as the raw request stream: a log of hundreds of megabytes is ingested
  // as it arrives and never held in memory. These parsers apply to this plugin's routes only.
  app.removeContentTypeParser(UPLOAD_TYPES.filter((t) => app.hasContentTypeParser(t)));
  app.addContentTypeParser(UPLOAD_TYPES, (_request, payload, done) => done(null, payload));

  app.post('/api/libraries/:libraryId/ingest/squid', {
    schema: {
      tags: ['imports'],
      summary: 'Ingest a Squid access log sent as the body (application/octet-stream or text/plain; gzip allowed, by Content-Encoding or content)',
      description: `Streams up to ${MAX_UPLOAD_BYTES / (1 << 20)} MiB. The log is identified by its first line, as a file on disk is, so sending a log again (or one already ingested from disk) adds only the lines past its checkpoint. For the network administrators and the director.`,
      params: LibraryParams,
      querystring: Type.Object({ name: Type.Optional(Type.String({ maxLength: 200, description: 'a label for the log, e.g. its file name' })) }),
      response: { 200: Summary },
    },
  }, async (request, reply) => {
    const { libraryId } = request.params;
    const actor = authorize(request, 'monitoring.ingest', libraryId);
    const declared = Number(request.headers['content-length'] ?? 0);
    if (declared > maxBytes) {
      reply.header('connection', 'close');
      throw new UploadTooLarge(`The upload is larger than ${maxBytes / (1 << 20)} MiB`);
    }
    const body = request.body;
    if (body === undefined || body === null) throw invalid('The upload is empty', [{ field: 'body', message: 'expected a Squid access log' }]);
    if (!(body instanceof Readable)) throw Object.assign(new Error(`Send the log as ${UPLOAD_TYPES.join(' or ')}`), { statusCode: 415, code: 'unsupported_media_type' });
    shippedPacks ??= loadShippedPacks();
    const pack = (await shippedPacks).find((p) => p.library.id === libraryId);
    if (!pack) throw notFound(`the policy pack of library "${libraryId}"`);
    const setup = await prepareMonitoring(ctx.store, pack, { categoriesDirs: categoriesFromEnv() });
    const encoding = String(request.headers['content-encoding'] ?? '').toLowerCase();
    try {
      return await ingestSquidUpload(ctx.store, setup, body, {
        maxBytes,
        gzip: encoding === 'gzip' || encoding === 'x-gzip',
        label: `upload:${request.query.name ?? 'squid'} by ${actor.username}`,
        actor: { userId: actor.userId, username: actor.username },
      });
    } catch (error) {
      // Do not read the rest of an oversized body just to throw it away.
      if (error instanceof UploadTooLarge) reply.header('connection', 'close');
      throw error;
    }
  });
};
