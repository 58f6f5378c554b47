/**
 * GET /api/openapi.json against a real server: a valid OpenAPI 3.0 document (checked with the
 * official OpenAPI 3.0 JSON Schema, tests/support/openapi-3.0-schema.json), listing exactly the
 * routes Fastify serves, each with the request and response schemas of its zod contract.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CommentBody, DocComment, DocumentPack, DocumentPatch, MeetingDocument, PackSettingsBody } from '../../common/api/documents';
import { Account, BridgePoint, Meeting, MyMeetings, Unit } from '../../common/api/model';
import { AccountBody, AccountPatch, AgendaBody, BridgePointBody, BridgePointPatch, InvitationsBody, LoginBody, MeetingBody, MeetingPatch, RefreshBody, Session, TransitionBody, UnitBody, UnitPatch } from '../../common/api/requests';
import { Placement } from '../../common/api/cluster';
import { MediaMetrics } from '../../common/api/metrics';
import { MinutesDraft } from '../../common/api/minutes';
import { BroadcastBody, BroadcastState, Viewers, ViewersBody } from '../../common/api/broadcast';
import { RecordingList } from '../../common/api/recording';
import { VoteList } from '../../common/api/voting';
import { VoteDefinition, VoteEntry } from '../../common/protocol/voting';
import { FinishBody, PrepareBody, PreparedSigning, SignedDocument, TrustAnchor, TrustAnchorBody, VerificationReport } from '../../common/api/signing';
import { HealthResponse } from '../../sfu-server/src/http/health-routes';
import type { RunningServer } from '../../sfu-server/src/server';
import { raw, routeTable } from '../support/http';
import { startTestServer } from '../support/test-server';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The official schema is JSON Schema draft 4; Ajv speaks draft 7: `id` → `$id`, boolean exclusive bounds → numbers. */
function openApi30Validator() {
  const draft4 = JSON.parse(fs.readFileSync(path.join(here, '../support/openapi-3.0-schema.json'), 'utf8')) as Record<string, unknown>;
  const convert = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(convert);
    if (!node || typeof node !== 'object') return node;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) out[k] = convert(v);
    for (const [flag, bound] of [['exclusiveMinimum', 'minimum'], ['exclusiveMaximum', 'maximum']] as const) {
      if (out[flag] === true) {
        out[flag] = out[bound];
        delete out[bound];
      } else if (out[flag] === false) delete out[flag];
    }
    return out;
  };
  const { id, $schema: _draft, ...rest } = convert(draft4) as Record<string, unknown>;
  return new Ajv({ strict: false, allErrors: true, validateFormats: false }).compile({ $id: id as string, ...rest });
}

/** Each route's contract: the zod schemas its request and its success answer must be documented with. */
// `partial`: the route also answers 206 for a Range request (a player's).
const CONTRACT: Record<string, { body?: z.ZodType; params?: boolean | string; query?: string[]; status: number; partial?: true; response: z.ZodType | 'none' | 'text' }> = {
  'GET /api/health': { status: 200, response: HealthResponse },
  'POST /api/auth/login': { body: LoginBody, status: 200, response: Session },
  'POST /api/auth/refresh': { body: RefreshBody, status: 200, response: Session },
  'POST /api/auth/logout': { status: 204, response: 'none' },
  'GET /api/auth/me': { status: 200, response: Account },
  'GET /api/units': { status: 200, response: z.array(Unit) },
  'POST /api/units': { body: UnitBody, status: 201, response: Unit },
  'PATCH /api/units/{id}': { params: true, body: UnitPatch, status: 200, response: Unit },
  'DELETE /api/units/{id}': { params: true, status: 204, response: 'none' },
  'GET /api/bridge-points': { status: 200, response: z.array(BridgePoint) },
  'POST /api/bridge-points': { body: BridgePointBody, status: 201, response: BridgePoint },
  'PATCH /api/bridge-points/{id}': { params: true, body: BridgePointPatch, status: 200, response: BridgePoint },
  'DELETE /api/bridge-points/{id}': { params: true, status: 204, response: 'none' },
  'GET /api/accounts': { status: 200, response: z.array(Account) },
  'POST /api/accounts': { body: AccountBody, status: 201, response: Account },
  'PATCH /api/accounts/{id}': { params: true, body: AccountPatch, status: 200, response: Account },
  'GET /api/meetings': { status: 200, response: MyMeetings },
  'POST /api/meetings': { body: MeetingBody, status: 201, response: Meeting },
  'GET /api/meetings/{id}': { params: true, status: 200, response: Meeting },
  'GET /api/meetings/{id}/placement': { params: true, query: ['avoid'], status: 200, response: Placement },
  'PATCH /api/meetings/{id}': { params: true, body: MeetingPatch, status: 200, response: Meeting },
  'PUT /api/meetings/{id}/agenda': { params: true, body: AgendaBody, status: 200, response: Meeting },
  'PUT /api/meetings/{id}/invitations': { params: true, body: InvitationsBody, status: 200, response: Meeting },
  'POST /api/meetings/{id}/transition': { params: true, body: TransitionBody, status: 200, response: Meeting },
  'GET /api/meetings/{id}/invitation.ics': { params: true, status: 200, response: 'text' },
  'GET /api/meetings/{id}/votes': { params: true, status: 200, response: VoteList },
  'POST /api/meetings/{id}/votes': { params: true, body: VoteDefinition, status: 201, response: VoteEntry },
  'PUT /api/votes/{voteId}': { params: 'voteId', body: VoteDefinition, status: 200, response: VoteEntry },
  'POST /api/votes/{voteId}/cancel': { params: 'voteId', status: 200, response: VoteEntry },
  'GET /api/meetings/{id}/votes/results.csv': { params: true, status: 200, response: 'text' },
  'GET /api/meetings/{id}/votes/results.pdf': { params: true, status: 200, response: 'text' },
  'GET /api/meetings/{id}/documents': { params: true, status: 200, response: DocumentPack },
  'POST /api/meetings/{id}/documents': { params: true, query: ['agendaItemId'], status: 201, response: MeetingDocument },
  'POST /api/meetings/{id}/documents/publish': { params: true, status: 200, response: DocumentPack },
  'PUT /api/meetings/{id}/documents/settings': { params: true, body: PackSettingsBody, status: 200, response: DocumentPack },
  'PATCH /api/documents/{id}': { params: true, body: DocumentPatch, status: 200, response: MeetingDocument },
  'DELETE /api/documents/{id}': { params: true, status: 204, response: 'none' },
  'POST /api/documents/{id}/versions': { params: true, status: 201, response: MeetingDocument },
  'GET /api/documents/{id}/versions/{versionId}/file': { params: true, status: 200, response: 'text' },
  'GET /api/meetings/{id}/comments': { params: true, status: 200, response: z.array(DocComment) },
  'POST /api/meetings/{id}/comments': { params: true, body: CommentBody, status: 201, response: DocComment },
  'GET /api/metrics': { status: 200, response: MediaMetrics },
  'GET /metrics': { status: 200, response: 'text' },
  'GET /api/signing/trust-anchors': { status: 200, response: z.array(TrustAnchor) },
  'POST /api/signing/trust-anchors': { body: TrustAnchorBody, status: 201, response: TrustAnchor },
  'DELETE /api/signing/trust-anchors/{id}': { params: true, status: 204, response: 'none' },
  'POST /api/signing/verify': { status: 200, response: VerificationReport },
  'GET /api/meetings/{id}/signed-documents': { params: true, status: 200, response: z.array(SignedDocument) },
  'POST /api/meetings/{id}/signed-documents': { params: true, query: ['title', 'fileName', 'documentKey'], status: 201, response: SignedDocument },
  'GET /api/signed-documents/{id}': { params: true, status: 200, response: SignedDocument },
  'GET /api/signed-documents/{id}/file': { params: true, status: 200, response: 'text' },
  'GET /api/signed-documents/{id}/verification': { params: true, status: 200, response: VerificationReport },
  'GET /api/signed-documents/{id}/preparations/{preparationId}': { params: true, status: 200, response: PreparedSigning },
  'GET /api/signed-documents/{id}/preparations/{preparationId}/file': { params: true, status: 200, response: 'text' },
  'POST /api/signed-documents/{id}/prepare': { params: true, body: PrepareBody, status: 200, response: PreparedSigning },
  'POST /api/signed-documents/{id}/finish': { params: true, body: FinishBody, status: 200, response: SignedDocument },
  'GET /api/meetings/{id}/minutes': { params: true, status: 200, response: MinutesDraft },
  'GET /api/meetings/{id}/recordings': { params: true, status: 200, response: RecordingList },
  'GET /api/recordings/{id}/archive.mp4': { params: true, query: ['download'], status: 200, partial: true, response: 'text' },
  'DELETE /api/recordings/{id}': { params: true, status: 204, response: 'none' },
  'GET /api/meetings/{id}/broadcast': { params: true, status: 200, response: BroadcastState },
  'PUT /api/meetings/{id}/broadcast': { params: true, body: BroadcastBody, status: 200, response: BroadcastState },
  'GET /api/meetings/{id}/viewers': { params: true, status: 200, response: Viewers },
  'PUT /api/meetings/{id}/viewers': { params: true, body: ViewersBody, status: 200, response: Viewers },
  'GET /api/live-auth': { status: 204, response: 'none' },
  'GET /api/meetings/{id}/minutes/preview.pdf': { params: true, status: 200, response: 'text' },
  'POST /api/meetings/{id}/minutes/pdf': { params: true, status: 201, response: SignedDocument },
  'GET /api/audit': { query: ['targetType', 'targetId', 'limit'], status: 200, response: z.array(z.object({ id: z.number(), at: z.string(), actorId: z.string(), action: z.string(), targetType: z.string(), targetId: z.string(), details: z.unknown() })) },
};

type JsonSchema = { type?: string; properties?: Record<string, JsonSchema>; required?: string[]; additionalProperties?: unknown; items?: JsonSchema; $ref?: string };
type Operation = {
  summary?: string;
  tags?: string[];
  parameters?: { in: string; name: string; required?: boolean; schema: JsonSchema }[];
  requestBody?: { required?: boolean; content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: JsonSchema }> }>;
};

let server: RunningServer;
let doc: { openapi: string; info: { title: string; version: string }; paths: Record<string, Record<string, Operation>>; components?: Record<string, Record<string, unknown>> };

beforeAll(async () => {
  server = await startTestServer();
  const res = await raw(server.url, 'GET', '/api/openapi.json');
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  doc = res.body;
}, 120_000);
afterAll(async () => {
  await server?.close();
});

const operations = () => Object.entries(doc.paths).flatMap(([p, item]) => Object.entries(item).map(([method, op]) => ({ key: `${method.toUpperCase()} ${p}`, op })));

/** The object schema inside a zod schema (through arrays), with its keys and which are needed on input. */
function objectOf(schema: z.ZodType): { keys: string[]; required: string[]; strict: boolean } | null {
  let s: z.ZodType = schema;
  if (s instanceof z.ZodArray) s = s.element as z.ZodType;
  if (s instanceof z.ZodOptional) s = s.unwrap() as z.ZodType;
  if (!(s instanceof z.ZodObject)) return null;
  const shape = s.shape as Record<string, z.ZodType>;
  const keys = Object.keys(shape);
  return { keys, required: keys.filter((k) => !shape[k]!.safeParse(undefined).success), strict: s._zod.def.catchall?._zod.def.type === 'never' };
}

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.0 document', () => {
    const validate = openApi30Validator();
    const valid = validate(doc);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    expect(doc.openapi).toMatch(/^3\.0\.\d$/);
    expect(doc.info.title).toBe('Phòng họp API');
    // The validator itself rejects a broken document.
    expect(validate({ ...doc, info: { title: 'x' } })).toBe(false);
  });

  it('has every $ref resolving inside the document', () => {
    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]*"/g) ?? [];
    for (const ref of refs) {
      const pointer = JSON.parse(`{${ref}}`).$ref as string;
      expect(pointer.startsWith('#/')).toBe(true);
      let node: unknown = doc;
      for (const part of pointer.slice(2).split('/')) node = (node as Record<string, unknown> | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
      expect(node, pointer).toBeDefined();
    }
  });

  it('lists exactly the routes the server serves (all but the document itself)', () => {
    const documented = operations()
      .map((o) => o.key.replace(/\{(\w+)\}/g, ':$1'))
      .sort();
    // GET /live/* (the live broadcast's HLS files, hidden: players fetch them, not API clients) is
    // shown by Fastify's printRoutes as `*`.
    const served = routeTable(server.app).filter((r) => r !== 'GET /api/openapi.json' && r !== 'GET *');
    expect(documented).toEqual(served);
    expect(Object.keys(CONTRACT).sort()).toEqual(operations().map((o) => o.key).sort());
  });

  it.each(Object.keys(CONTRACT))('%s is documented with its request and response schemas', (key) => {
    const c = CONTRACT[key]!;
    const op = operations().find((o) => o.key === key)?.op;
    expect(op, `${key} missing`).toBeDefined();
    expect(op!.summary).toBeTruthy();
    expect(op!.tags?.length).toBeGreaterThan(0);

    // Path and query parameters.
    const params = op!.parameters ?? [];
    if (c.params) expect(params.find((p) => p.in === 'path' && p.name === (typeof c.params === 'string' ? c.params : 'id'))).toMatchObject({ required: true, schema: { type: 'string', format: 'uuid' } });
    else expect(params.filter((p) => p.in === 'path')).toEqual([]);
    expect(params.filter((p) => p.in === 'query').map((p) => p.name)).toEqual(c.query ?? []);

    // The request body: the zod object's fields, which of them are required, no others.
    if (c.body) {
      const schema = op!.requestBody?.content['application/json']?.schema;
      expect(schema, 'request body schema').toBeDefined();
      const expected = objectOf(c.body)!;
      expect(Object.keys(schema!.properties ?? {}).sort()).toEqual([...expected.keys].sort());
      expect([...(schema!.required ?? [])].sort()).toEqual([...expected.required].sort());
      if (expected.strict) expect(schema!.additionalProperties).toBe(false);
    } else {
      expect(op!.requestBody).toBeUndefined();
    }

    // The success answer.
    const answer = op!.responses[String(c.status)];
    expect(answer, `response ${c.status}`).toBeDefined();
    expect(Object.keys(op!.responses).filter((s) => s.startsWith('2'))).toEqual(c.partial ? [String(c.status), '206'] : [String(c.status)]);
    if (c.response === 'none' || c.response === 'text') return;
    const schema = answer!.content?.['application/json']?.schema;
    expect(schema, 'response schema').toBeDefined();
    const expected = objectOf(c.response)!;
    const object = c.response instanceof z.ZodArray ? (expect(schema!.type).toBe('array'), schema!.items!) : schema!;
    expect(Object.keys(object.properties ?? {}).sort()).toEqual([...expected.keys].sort());
  });

  it('describes how to authenticate', () => {
    expect(Object.keys(doc.components?.['securitySchemes'] ?? {}).sort()).toEqual(['bearer', 'cookie']);
  });
});
