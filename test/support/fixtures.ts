import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildServer } from '../../src/api/server.js';
import { loadConfig } from '../../src/config/config.js';
import type { Pack } from '../../src/domain/pack.js';
import { demoLogins, DEMO_PASSWORD, seedDemo, type DemoLogin } from '../../src/demo/seed.js';
import type { Mailer } from '../../src/sources/mailer.js';
import { loadShippedPacks } from '../../src/sources/pack-files.js';
import type { Dialect } from '../../src/store/db.js';
import { createTestStore, type TestStore } from './databases.js';

export interface World {
  store: TestStore;
  packs: Pack[];
  logins: DemoLogin[];
  login(libraryId: string, role: DemoLogin['role']): DemoLogin;
}

let shipped: Pack[] | undefined;

/** A store with real packs for the given libraries and their synthetic staff, as the demo loads them. */
export async function createWorld(dialect: Dialect, libraryIds: string[] = ['liverpool', 'oak-park']): Promise<World> {
  shipped ??= await loadShippedPacks();
  const packs = shipped.filter((p) => libraryIds.includes(p.library.id));
  const store = await createTestStore(dialect);
  // Tests make the traffic they assert on; the demo's week of web traffic would only blur it.
  await seedDemo(store, packs, undefined, { webTraffic: false });
  const logins = demoLogins(packs);
  return {
    store,
    packs,
    logins,
    login(libraryId, role) {
      const found = logins.find((l) => l.libraryId === libraryId && l.role === role);
      if (!found) throw new Error(`no demo login for ${role} in ${libraryId}`);
      return found;
    },
  };
}

export async function createApp(world: World, options: { mailer?: Mailer | null; env?: Record<string, string> } = {}): Promise<FastifyInstance> {
  const config = { ...loadConfig({ ...process.env, STEWARD_COOKIE_SECRET: 'x'.repeat(40), STEWARD_PUBLIC_URL: 'https://steward.test', ...options.env }), logLevel: 'silent' };
  return buildServer({ store: world.store, config, logger: false, webDir: '/nonexistent', mailer: options.mailer ?? null });
}

/** A signed-in API client over app.inject: keeps cookies and sends the CSRF token on writes. */
export class Client {
  private cookies = new Map<string, string>();
  private csrf: string | undefined;

  constructor(private readonly app: FastifyInstance) {}

  private remember(res: LightMyRequestResponse): void {
    for (const c of res.cookies as Array<{ name: string; value: string }>) this.cookies.set(c.name, c.value);
  }

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async request(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, body?: unknown, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    if (method !== 'GET' && !this.csrf) {
      const res = await this.app.inject({ method: 'GET', url: '/api/session/csrf', headers: { cookie: this.cookieHeader() } });
      this.remember(res);
      this.csrf = res.json<{ token: string }>().token;
    }
    const res = await this.app.inject({
      method,
      url,
      headers: { cookie: this.cookieHeader(), ...(method !== 'GET' && this.csrf ? { 'x-csrf-token': this.csrf } : {}), ...headers },
      ...(body === undefined ? {} : typeof body === 'string' ? { payload: body } : { payload: body as object }),
    });
    this.remember(res);
    return res;
  }

  async signIn(username: string, password = DEMO_PASSWORD): Promise<LightMyRequestResponse> {
    return this.request('POST', '/api/session', { username, password });
  }
}

export async function signedIn(app: FastifyInstance, username: string): Promise<Client> {
  const client = new Client(app);
  const res = await client.signIn(username);
  if (res.statusCode !== 200) throw new Error(`sign-in as ${username} failed: ${res.statusCode} ${res.body}`);
  return client;
}
