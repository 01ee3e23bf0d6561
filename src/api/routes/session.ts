import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ROLES } from '../../domain/roles.js';
import { changePassword, signIn, signOut } from '../../app/users.js';
import { listLibraries } from '../../store/directory.js';
import { policyRolesByTarget } from '../../store/filter.js';
import { socialLibrary } from '../../store/social.js';
import { librariesOf, type Actor } from '../../domain/authz.js';
import { cookieOptions, requireActor, SESSION_COOKIE } from '../auth.js';
import type { ApiContext } from '../context.js';

const Me = Type.Object({
  userId: Type.String(),
  username: Type.String(),
  personId: Type.Union([Type.String(), Type.Null()]),
  personName: Type.Union([Type.String(), Type.Null()]),
  homeLibraryId: Type.String(),
  libraries: Type.Array(
    Type.Object({
      id: Type.String(),
      name: Type.String(),
      shortName: Type.String(),
      roles: Type.Array(Type.Unsafe<string>({ type: 'string', enum: [...ROLES] })),
      /** Per restrict target, the roles the library's policy names on it (authz Target.policyRoles), so the UI asks the same rules. */
      policyRoles: Type.Record(Type.String(), Type.Array(Type.Unsafe<string>({ type: 'string', enum: [...ROLES] }))),
      /** Whether the library's pack adopts public Internet communication (`library.social`). */
      social: Type.Boolean(),
    }),
  ),
});

export const sessionRoutes = (ctx: ApiContext): FastifyPluginAsyncTypebox => async (app) => {
  const describe = async (actor: Actor) => {
    const libraries = await listLibraries(ctx.store.db, librariesOf(actor));
    const person = actor.personId ? await ctx.store.db.selectFrom('people').select('name').where('id', '=', actor.personId).executeTakeFirst() : undefined;
    return {
      userId: actor.userId,
      username: actor.username,
      personId: actor.personId,
      personName: person?.name ?? null,
      homeLibraryId: actor.homeLibraryId,
      libraries: await Promise.all(libraries.map(async (l) => ({ id: l.id, name: l.name, shortName: l.short_name, roles: actor.grants.filter((g) => g.libraryId === l.id).map((g) => g.role), policyRoles: await policyRolesByTarget(ctx.store.db, l.id), social: (await socialLibrary(ctx.store.db, l.id))?.social !== undefined }))),
    };
  };

  app.get('/api/session/csrf', {
    schema: { tags: ['session'], summary: 'A CSRF token to send as x-csrf-token with every state-changing request', response: { 200: Type.Object({ token: Type.String() }) } },
  }, async (_request, reply) => ({ token: reply.generateCsrf() }));

  app.post('/api/session', {
    config: { rateLimit: { max: 10, timeWindow: '1 minute', keyGenerator: (request: { ip: string; body?: unknown }) => `${request.ip}|${String((request.body as { username?: string } | undefined)?.username ?? '').toLowerCase()}` } },
    schema: {
      tags: ['session'],
      summary: 'Sign in with a username and password',
      body: Type.Object({ username: Type.String({ minLength: 1, maxLength: 128 }), password: Type.String({ minLength: 1, maxLength: 256 }) }),
      response: { 200: Me },
    },
  }, async (request, reply) => {
    const session = await signIn(ctx.store, request.body.username, request.body.password, { ip: request.ip, userAgent: request.headers['user-agent'] ?? null, sessionHours: ctx.config.sessionHours });
    reply.setCookie(SESSION_COOKIE, session.token, cookieOptions(ctx.config.secureCookies, session.expiresAt));
    return describe(session.actor);
  });

  app.get('/api/session', {
    schema: { tags: ['session'], summary: 'Who is signed in, with their libraries and roles', response: { 200: Me } },
  }, async (request) => describe(requireActor(request)));

  app.delete('/api/session', {
    schema: { tags: ['session'], summary: 'Sign out', response: { 204: Type.Null() } },
  }, async (request, reply) => {
    const actor = requireActor(request);
    if (request.sessionToken) await signOut(ctx.store, request.sessionToken, actor);
    reply.clearCookie(SESSION_COOKIE, cookieOptions(ctx.config.secureCookies));
    return reply.status(204).send(null);
  });

  app.post('/api/session/password', {
    schema: {
      tags: ['session'],
      summary: 'Change your password; your other sessions are signed out',
      body: Type.Object({ currentPassword: Type.String({ minLength: 1 }), newPassword: Type.String({ minLength: 1, maxLength: 256 }) }),
      response: { 204: Type.Null() },
    },
  }, async (request, reply) => {
    const actor = requireActor(request);
    await changePassword(ctx.store, actor, request.body.currentPassword, request.body.newPassword, request.sessionToken ?? '');
    return reply.status(204).send(null);
  });
};
