import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { libraryClauses } from '../../store/filter.js';
import type { ApiContext } from '../context.js';

/**
 * The page Squid's helper redirects a refused request to. No sign-in is needed to read it: it says
 * in plain words which clause of which policy applies (the clause's own title and summary from the
 * store, never the private reason of a suspension) and offers a form to ask for an exception,
 * which posts to the API as the signed-in user.
 */
const Query = Type.Object({
  library: Type.Optional(Type.String({ maxLength: 64 })),
  clause: Type.Optional(Type.String({ maxLength: 255 })),
  category: Type.Optional(Type.String({ maxLength: 64 })),
  rule: Type.Optional(Type.String({ maxLength: 64 })),
  url: Type.Optional(Type.String({ maxLength: 4000 })),
});

export const blockPageRoutes = (ctx: ApiContext): FastifyPluginAsyncTypebox => async (app) => {
  app.get('/block', { schema: { tags: ['filter'], summary: 'The block page (HTML) naming the policy clause that applies', querystring: Query } }, async (request, reply) => {
    const { library, clause, category, rule, url } = request.query;
    const lib = library ? await ctx.store.db.selectFrom('libraries').select(['id', 'name']).where('id', '=', library).executeTakeFirst() : undefined;
    const found = lib && clause ? (await libraryClauses(ctx.store.db, lib.id)).find((c) => c.ref === clause) : undefined;
    const document = found ? await ctx.store.db.selectFrom('policy_documents').select('title').where('id', '=', found.documentId).executeTakeFirst() : undefined;
    reply.header('cache-control', 'no-store');
    return reply.type('text/html; charset=utf-8').send(renderBlockPage({ libraryId: lib?.id ?? null, libraryName: lib?.name ?? null, policyTitle: document?.title ?? null, clause: found ?? null, clauseRef: clause ?? null, category: category ?? null, rule: rule ?? '', url: url ?? '' }));
  });
};

interface BlockPageModel {
  libraryId: string | null;
  libraryName: string | null;
  policyTitle: string | null;
  clause: { ref: string; title: string; summary: string } | null;
  clauseRef: string | null;
  category: string | null;
  rule: string;
  url: string;
}

function what(m: BlockPageModel): string {
  if (m.rule === 'unavailable') return 'The filter could not check this request just now, so the proxy did not let it through. Try again in a few minutes.';
  if (m.rule.startsWith('suspension.')) {
    const kind = m.rule.slice('suspension.'.length);
    return kind === 'workstation' ? 'Internet access from this workstation is suspended for now.' : 'Your Internet access through the library is suspended for now.';
  }
  if (m.rule === 'software-download') return 'Downloading programs and installers needs approval first. If your work needs this one, ask for an exception for the site it comes from.';
  if (m.rule.startsWith('posting.')) {
    const scope = m.rule.slice('posting.'.length);
    const whom = scope === 'workgroup' ? 'your workgroup' : scope === 'role' ? 'your role' : 'you';
    return `Posting, uploading and editing${m.category ? ` on sites in the category “${m.category}”` : ' on this site'} are restricted for ${whom} for now. Reading is still allowed.`;
  }
  if (m.rule.startsWith('restriction.')) {
    const scope = m.rule.slice('restriction.'.length);
    const whom = scope === 'workgroup' ? 'your workgroup' : scope === 'role' ? 'your role' : 'you';
    return m.category ? `Sites in the category “${m.category}” are restricted for ${whom}.` : `This site is restricted for ${whom}.`;
  }
  return m.category ? `Sites in the category “${m.category}” are blocked for all staff.` : 'This site is blocked.';
}

export function renderBlockPage(m: BlockPageModel): string {
  const policy = m.libraryName ? `${m.libraryName}${m.policyTitle ? `’s ${m.policyTitle}` : '’s policy'}` : 'your library’s policy';
  const clause = m.clause
    ? `<section class="clause"><h2>${esc(m.clause.ref)}: ${esc(m.clause.title)}</h2><p>${esc(m.clause.summary)}</p></section>`
    : m.clauseRef
      ? `<section class="clause"><h2>${esc(m.clauseRef)}</h2></section>`
      : '';
  const canAsk = m.libraryId !== null && !m.rule.startsWith('suspension.');
  const form = canAsk
    ? `<form id="ask">
  <h2>Need this for your work?</h2>
  <p>Ask for an exception. The request is recorded under your Steward sign-in and goes to the people who approve exceptions.</p>
  <label for="why">Why does your work need it?</label>
  <textarea id="why" name="justification" required minlength="5" maxlength="2000" rows="3"></textarea>
  <button type="submit">Request an exception</button>
  <p id="status" role="status" aria-live="polite"></p>
</form>
<script>
(() => {
  const form = document.getElementById('ask');
  const status = document.getElementById('status');
  const body = ${jsonForScript({ url: m.url, category: m.category, clauseRef: m.clauseRef, rule: m.rule || null })};
  const api = ${jsonForScript(`/api/libraries/${encodeURIComponent(m.libraryId!)}/filter/exception-requests`)};
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    status.textContent = 'Sending…';
    try {
      const csrf = await fetch('/api/session/csrf', { credentials: 'same-origin' }).then((r) => r.json());
      const res = await fetch(api, { method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json', 'x-csrf-token': csrf.token }, body: JSON.stringify({ ...body, justification: form.justification.value }) });
      if (res.status === 201) { status.textContent = 'Your request was recorded. You will hear back once it is decided.'; form.querySelector('button').disabled = true; }
      else if (res.status === 401) { status.innerHTML = 'Sign in to <a href="/" target="_blank" rel="noopener">Steward</a> first, then send the request again.'; }
      else { const p = await res.json().catch(() => ({})); status.textContent = p.title || 'The request could not be recorded.'; }
    } catch { status.textContent = 'Steward could not be reached. Try again in a moment.'; }
  });
})();
</script>`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Blocked by library policy</title>
<style>
*, *::before, *::after { box-sizing: border-box; }
body { margin: 0; font-family: Inter, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif; font-size: 15px; line-height: 1.55; color: #16202e; background: #f4f6f9; }
main { max-width: 40rem; margin: 3rem auto; padding: 2rem; background: #fff; border: 1px solid #dfe5ec; border-radius: 10px; box-shadow: 0 1px 3px rgba(16,32,56,.05); }
h1 { margin-top: 0; font-size: 1.5rem; color: #a1262f; }
h2 { font-size: 1.05rem; margin: 0 0 .25rem; }
.clause { background: #e6eefa; border: 1px solid #b5c9ea; border-radius: 6px; padding: 1rem; margin: 1rem 0; }
.url { font-family: ui-monospace, Menlo, Consolas, monospace; word-break: break-all; color: #445266; }
form { margin-top: 1.5rem; border-top: 1px solid #dfe5ec; padding-top: 1rem; }
label { display: block; font-weight: 600; margin-bottom: .25rem; }
textarea { width: 100%; font: inherit; border: 1px solid #c5cfdb; border-radius: 6px; padding: .5rem; }
button { margin-top: .75rem; font: inherit; font-weight: 600; color: #fff; background: #1d4e89; border: 0; border-radius: 6px; padding: .55rem 1rem; cursor: pointer; }
button:focus-visible, textarea:focus-visible { outline: 3px solid #f0a202; outline-offset: 2px; }
</style>
</head>
<body>
<main>
<h1>This page is blocked</h1>
<p>${esc(what(m))} This follows ${esc(policy)}${m.clause || m.clauseRef ? ', under this clause:' : '.'}</p>
${clause}
${m.url ? `<p>Address: <span class="url">${esc(m.url)}</span></p>` : ''}
${form}
</main>
</body>
</html>
`;
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** JSON safe inside a <script> element: no `</script>` or HTML comment can be formed. */
function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}
