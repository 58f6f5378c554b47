/**
 * Cross-site WebSocket hijacking: an upgrade of /ws or /collab from a page of another origin is
 * refused with 403 before anything else (the session cookie rides along with any page's upgrade);
 * the server's own origin, origins listed in PUBLIC_ORIGINS, and clients that send no Origin (not a
 * browser: they must bring their token) are let through.
 */
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../sfu-server/src/server';
import { liveMeeting, person, TestApi, type Person } from '../support/api-client';
import { TestDocuments } from '../support/test-documents';
import { startTestServer } from '../support/test-server';

let server: RunningServer & { dataDir: string };
const documents = new TestDocuments();
let a: Person;
let docName: string;

beforeAll(async () => {
  server = await startTestServer({ PUBLIC_ORIGINS: 'https://hop.tinh.gov.vn, http://proxy.local:8443' }, { documentAccess: documents });
  await documents.bind(server.store.db, server.meetings);
  const admin = await TestApi.admin(server.url);
  a = await person(admin, 'delegate', 'Đại biểu Lê Văn An');
  const meeting = await liveMeeting(admin, [a]);
  const docId = randomUUID();
  await documents.add(docId, meeting.id);
  docName = `doc/${docId}/shared`;
}, 60_000);

afterAll(async () => {
  await server?.close();
});

/** Opens an upgrade with these headers; resolves with the HTTP status (101 when upgraded) and the body of a refusal. */
function upgrade(path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(server.url.replace(/^http/, 'ws') + path, { headers });
    ws.once('upgrade', () => {
      ws.close();
      resolve({ status: 101, body: '' });
    });
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.once('error', (err) => reject(err));
  });
}

describe('Origin of WebSocket upgrades', () => {
  const paths = () => ['/ws', `/collab/${docName}`];

  it('refuses a page of another site that carries the session cookie (403, nothing upgraded)', async () => {
    for (const path of paths()) {
      for (const origin of ['http://evil.example', 'null', `${server.url.replace('127.0.0.1', 'localhost')}`, 'https://hop.tinh.gov.vn.evil.example']) {
        const res = await upgrade(path, { cookie: `ph_access=${a.token}`, origin });
        expect(res.status, `${path} from ${origin}`).toBe(403);
        expect(JSON.parse(res.body)).toMatchObject({ code: 'forbidden' });
      }
    }
    // A bearer token does not make a foreign page's upgrade acceptable either.
    expect((await upgrade('/ws', { authorization: `Bearer ${a.token}`, origin: 'http://evil.example' })).status).toBe(403);
  });

  it("accepts the server's own origin (the web client; the desktop app loads the client from the server, so its page has the same origin)", async () => {
    for (const path of paths()) {
      expect((await upgrade(path, { cookie: `ph_access=${a.token}`, origin: server.url })).status, path).toBe(101);
    }
  });

  it('accepts origins listed in PUBLIC_ORIGINS (a reverse proxy rewriting Host), and clients that send no Origin with their token', async () => {
    for (const path of paths()) {
      expect((await upgrade(path, { cookie: `ph_access=${a.token}`, origin: 'https://hop.tinh.gov.vn' })).status).toBe(101);
      expect((await upgrade(path, { cookie: `ph_access=${a.token}`, origin: 'http://proxy.local:8443' })).status).toBe(101);
      expect((await upgrade(path, { authorization: `Bearer ${a.token}` })).status).toBe(101);
    }
    // Without Origin and without a token: still 401.
    expect((await upgrade('/ws', {})).status).toBe(401);
  });
});
