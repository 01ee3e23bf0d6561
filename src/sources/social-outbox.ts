import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The outbox: how a published post, an edit or a deletion leaves Steward. Steward holds no platform
 * credentials; each library points it at its own relay (a webhook: Zapier, a small service, a CMS)
 * that receives one JSON message per change and answers 2xx, optionally with the platform's id of
 * the post (`{ "id": "…" }`).
 *
 * Each message is signed so the relay can refuse anything that did not come from Steward:
 * `X-Steward-Timestamp` (Unix seconds) and `X-Steward-Signature: v1=<hex>`, the HMAC-SHA256 with the
 * library's outbox secret of `<timestamp>.<body>`. A relay recomputes it over the raw body (see
 * verifyOutboxSignature) and should also refuse timestamps more than a few minutes old.
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

export function newOutboxSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function signOutboxBody(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** What a relay does with a message: true when the signature is the secret's, over this body and timestamp. */
export function verifyOutboxSignature(secret: string, timestamp: string, body: string, signature: string): boolean {
  const expected = Buffer.from(signOutboxBody(secret, Number(timestamp), body));
  const given = Buffer.from(signature);
  return /^\d+$/.test(timestamp) && expected.length === given.length && timingSafeEqual(expected, given);
}

/** Sends one message, signed when the library has a secret; never throws (a refusal or an unreachable relay is a result the post records). */
export async function sendToOutbox(url: string, secret: string | null, message: OutboxMessage, timeoutMs = 10_000): Promise<OutboxResult> {
  try {
    const body = JSON.stringify(message);
    const timestamp = Math.floor(Date.now() / 1000);
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Steward outbox',
        'x-steward-action': message.action,
        ...(secret ? { 'x-steward-timestamp': String(timestamp), 'x-steward-signature': signOutboxBody(secret, timestamp, body) } : {}),
      },
      body,
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
