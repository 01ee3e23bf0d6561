import { existsSync } from 'node:fs';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fastifyStatic from '@fastify/static';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Config } from '../config/config.js';
import type { Store } from '../store/db.js';
import { actorForSession } from '../app/users.js';
import { REPO_ROOT } from '../sources/pack-files.js';
import { SESSION_COOKIE } from './auth.js';
import { problemHandler } from './problem.js';
import { healthRoutes } from './routes/health.js';
import { sessionRoutes } from './routes/session.js';
import { policyRoutes } from './routes/policies.js';
import { peopleRoutes } from './routes/people.js';
import { importRoutes } from './routes/imports.js';
import { auditRoutes } from './routes/audit.js';
import { monitoringRoutes } from './routes/monitoring.js';
import { squidIngestRoutes } from './routes/squid-ingest.js';
import { filterRoutes } from './routes/filter.js';
import { blockPageRoutes } from './routes/block-page.js';
import type { ApiContext } from './context.js';
import { notificationRoutes } from './routes/notifications.js';
import { requestRoutes } from './routes/requests.js';
import { caseRoutes } from './routes/cases.js';
import { obligationRoutes } from './routes/obligations.js';
import { manualStepRoutes } from './routes/manual-steps.js';
import { mentionRoutes } from './routes/mentions.js';
import { socialRoutes } from './routes/social.js';
import { createMailer, type Mailer } from '../sources/mailer.js';

export interface ServerOptions {
  store: Store;
  config: Config;
  /** The built web app; served at / when present. */
  webDir?: string;
  logger?: boolean;
  /** Where log lines go (tests read them); stdout when absent. */
  logStream?: NodeJS.WritableStream;
  /** Outgoing mail; built from the configuration when not given (tests pass their own SMTP server's). */
  mailer?: Mailer | null;
}

export const DEFAULT_WEB_DIR = path.join(REPO_ROOT, 'dist', 'web');
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const { store, config } = options;
  const app = Fastify({
    logger: options.logger === false ? false : { level: config.logLevel, redact: ['req.headers.cookie', 'req.headers["x-csrf-token"]'], ...(options.logStream ? { stream: options.logStream } : {}) },
    trustProxy: process.env.STEWARD_TRUST_PROXY === '1',
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setErrorHandler(problemHandler);
  await app.register(cookie, { secret: config.cookieSecret });
  await app.register(csrf, { cookieOpts: { signed: true, httpOnly: true, sameSite: 'strict', secure: config.secureCookies, path: '/' } });
  await app.register(rateLimit, { global: false, hook: 'preHandler' });
  await app.register(swagger, {
    openapi: {
      info: { title: 'Steward API', version: '0.1.0', description: "Steward runs a library's staff technology-use policy. Errors are RFC 9457 problem details; every state-changing request needs the x-csrf-token header from GET /api/session/csrf." },
      tags: [{ name: 'session' }, { name: 'policies' }, { name: 'directory' }, { name: 'imports' }, { name: 'audit' }, { name: 'filter' }, { name: 'monitoring' }, { name: 'cases' }, { name: 'training' }, { name: 'requests' }, { name: 'social' }, { name: 'notifications' }, { name: 'system' }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });

  app.decorateRequest('actor', null);
  app.decorateRequest('sessionToken', null);
  app.addHook('onRequest', async (request) => {
    // Anonymous routes (reporting a concern anonymously) never learn who calls: the session is not read.
    if (request.routeOptions.config?.anonymous) return;
    const token = request.cookies[SESSION_COOKIE];
    if (!token) return;
    const actor = await actorForSession(store, token);
    if (actor) {
      request.actor = actor;
      request.sessionToken = token;
    }
  });
  // Every state-changing API request carries the CSRF token: one hook, so no route can forget it.
  app.addHook('preHandler', (request, reply, done) => {
    if (SAFE_METHODS.has(request.method) || !request.url.startsWith('/api/')) return done();
    app.csrfProtection(request, reply, done);
  });
  app.addHook('onSend', async (_request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'same-origin');
  });

  const ownMailer = options.mailer === undefined;
  const mailer = ownMailer ? createMailer(config.smtpUrl, config.mailFrom) : (options.mailer ?? null);
  if (ownMailer && mailer) app.addHook('onClose', async () => mailer.close());
  const ctx: ApiContext = { store, config, mail: { mailer, publicUrl: config.publicUrl } };
  await app.register(healthRoutes(ctx));
  await app.register(sessionRoutes(ctx));
  await app.register(policyRoutes(ctx));
  await app.register(peopleRoutes(ctx));
  await app.register(importRoutes(ctx));
  await app.register(auditRoutes(ctx));
  await app.register(monitoringRoutes(ctx));
  await app.register(squidIngestRoutes(ctx));
  await app.register(filterRoutes(ctx));
  await app.register(blockPageRoutes(ctx));
  await app.register(notificationRoutes(ctx));
  await app.register(requestRoutes(ctx));
  await app.register(caseRoutes(ctx));
  await app.register(obligationRoutes(ctx));
  await app.register(manualStepRoutes(ctx));
  await app.register(mentionRoutes(ctx));
  await app.register(socialRoutes(ctx));

  const webDir = options.webDir ?? DEFAULT_WEB_DIR;
  if (existsSync(path.join(webDir, 'index.html'))) {
    await app.register(fastifyStatic, { root: webDir, wildcard: false, index: ['index.html'] });
    app.setNotFoundHandler((request, reply) => {
      if (request.method === 'GET' && !request.url.startsWith('/api/')) return reply.type('text/html').sendFile('index.html');
      return problemHandler(Object.assign(new Error(`No route ${request.method} ${request.url.split('?')[0]}`), { statusCode: 404, code: 'not_found' }) as never, request, reply);
    });
  } else {
    app.setNotFoundHandler((request, reply) => problemHandler(Object.assign(new Error(`No route ${request.method} ${request.url.split('?')[0]}`), { statusCode: 404, code: 'not_found' }) as never, request, reply));
  }
  return app;
}
