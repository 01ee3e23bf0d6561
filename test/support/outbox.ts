import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { OutboxMessage } from '../../src/sources/social-outbox.js';

/**
 * A real local HTTP endpoint standing in for a library's outbox relay: it records every message it
 * receives and answers with an id, or with an error status while `failWith` is set.
 */
export interface TestOutbox {
  url: string;
  received: OutboxMessage[];
  /** Each request as it arrived: the raw body and the signature headers, for checking as a relay would. */
  raw: Array<{ body: string; timestamp: string | undefined; signature: string | undefined }>;
  failWith: number | null;
  close(): Promise<void>;
}

export async function startOutbox(): Promise<TestOutbox> {
  const outbox: TestOutbox = { url: '', received: [], raw: [], failWith: null, close: async () => {} };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (outbox.failWith !== null) {
        res.writeHead(outbox.failWith, { 'content-type': 'text/plain' }).end('relay unavailable');
        return;
      }
      const body = Buffer.concat(chunks).toString('utf8');
      outbox.raw.push({ body, timestamp: req.headers['x-steward-timestamp'] as string | undefined, signature: req.headers['x-steward-signature'] as string | undefined });
      const message = JSON.parse(body) as OutboxMessage;
      outbox.received.push(message);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `remote-${outbox.received.length}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  outbox.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  outbox.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return outbox;
}
