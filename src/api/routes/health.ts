import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { sql } from 'kysely';
import type { ApiContext } from '../context.js';

export const healthRoutes = (ctx: ApiContext): FastifyPluginAsyncTypebox => async (app) => {
  app.get('/api/health', {
    schema: {
      tags: ['system'],
      summary: 'Liveness and database reachability',
      response: { 200: Type.Object({ status: Type.Literal('ok'), database: Type.String(), time: Type.String() }) },
    },
  }, async () => {
    await sql`select 1`.execute(ctx.store.db);
    return { status: 'ok' as const, database: ctx.store.dialect, time: new Date().toISOString() };
  });
};
