/**
 * The outbox: how a published post, an edit or a deletion leaves Steward. Steward holds no platform
 * credentials; each library points it at its own relay (a webhook: Zapier, a small service, a CMS)
 * that receives one JSON message per change and answers 2xx, optionally with the platform's id of
 * the post (`{ "id": "…" }`).
 */

export type OutboxAction = 'publish' | 'edit' | 'delete';

export interface OutboxMessage {
  action: OutboxAction;
  library: string;
  post: {
    id: string;
    number: number;
    kind: string;
    version: number;
    platform: string;
    handle: string;
    body: string;
    targetUrl: string | null;
    media: ReadonlyArray<{ kind: string; url: string }>;
    remoteId: string | null;
    author: string;
  };
  at: string;
}

export type OutboxResult = { ok: true; remoteId: string | null } | { ok: false; error: string };

/** Sends one message; never throws (a refusal or an unreachable relay is a result the post records). */
export async function sendToOutbox(url: string, message: OutboxMessage, timeoutMs = 10_000): Promise<OutboxResult> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'Steward outbox', 'x-steward-action': message.action },
      body: JSON.stringify(message),
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
    const text = await res.text();
    if (!res.ok) return { ok: false, error: `the outbox answered ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}` };
    let remoteId: string | null = null;
    try {
      const parsed = JSON.parse(text) as { id?: unknown };
      if (typeof parsed.id === 'string' || typeof parsed.id === 'number') remoteId = String(parsed.id).slice(0, 255);
    } catch {
      // A relay that answers with plain text gives no id; that is fine.
    }
    return { ok: true, remoteId };
  } catch (error) {
    const e = error as Error & { cause?: { code?: string } };
    return { ok: false, error: `the outbox could not be reached (${e.cause?.code ?? e.name}: ${e.message})` };
  }
}
