/** /api/units, /api/bridge-points, /api/accounts: the directory, managed by admins. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Account, BridgePoint, Unit } from '../../../common/api/model';
import { AccountBody, AccountPatch, BridgePointBody, BridgePointPatch, IdParams, UnitBody, UnitPatch } from '../../../common/api/requests';
import { requireActor } from '../auth/http-auth';
import { can, type Actor, type GlobalAction } from '../auth/policy';
import { forbidden } from '../errors';
import type { DirectoryService } from './directory-service';

function allowed(actor: Actor, action: GlobalAction): Actor {
  if (!can(actor, action)) throw forbidden();
  return actor;
}

export function registerDirectoryRoutes(app: FastifyInstance, directory: DirectoryService): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const noContent = { 204: z.null() };

  r.get('/api/units', { schema: { tags: ['directory'], summary: 'All units', response: { 200: z.array(Unit) } } }, async (req) => {
    allowed(requireActor(req), 'directory.read');
    return directory.listUnits();
  });
  r.post('/api/units', { schema: { tags: ['directory'], summary: 'Create a unit', body: UnitBody, response: { 201: Unit } } }, async (req, reply) => {
    const unit = await directory.createUnit(allowed(requireActor(req), 'units.manage'), req.body);
    return reply.code(201).send(unit);
  });
  r.patch('/api/units/:id', { schema: { tags: ['directory'], summary: 'Change a unit', params: IdParams, body: UnitPatch, response: { 200: Unit } } }, async (req) =>
    directory.updateUnit(allowed(requireActor(req), 'units.manage'), req.params.id, req.body),
  );
  r.delete('/api/units/:id', { schema: { tags: ['directory'], summary: 'Delete an empty unit', params: IdParams, response: noContent } }, async (req, reply) => {
    await directory.deleteUnit(allowed(requireActor(req), 'units.manage'), req.params.id);
    return reply.code(204).send(null);
  });

  r.get('/api/bridge-points', { schema: { tags: ['directory'], summary: 'All bridge points', response: { 200: z.array(BridgePoint) } } }, async (req) => {
    allowed(requireActor(req), 'directory.read');
    return directory.listPoints();
  });
  r.post('/api/bridge-points', { schema: { tags: ['directory'], summary: 'Create a bridge point', body: BridgePointBody, response: { 201: BridgePoint } } }, async (req, reply) => {
    const point = await directory.createPoint(allowed(requireActor(req), 'points.manage'), req.body);
    return reply.code(201).send(point);
  });
  r.patch('/api/bridge-points/:id', { schema: { tags: ['directory'], summary: 'Change a bridge point', params: IdParams, body: BridgePointPatch, response: { 200: BridgePoint } } }, async (req) =>
    directory.updatePoint(allowed(requireActor(req), 'points.manage'), req.params.id, req.body),
  );
  r.delete('/api/bridge-points/:id', { schema: { tags: ['directory'], summary: 'Delete an unused bridge point', params: IdParams, response: noContent } }, async (req, reply) => {
    await directory.deletePoint(allowed(requireActor(req), 'points.manage'), req.params.id);
    return reply.code(204).send(null);
  });

  r.get('/api/accounts', { schema: { tags: ['directory'], summary: 'All accounts', response: { 200: z.array(Account) } } }, async (req) => {
    allowed(requireActor(req), 'accounts.list');
    return directory.listAccounts();
  });
  r.post('/api/accounts', { schema: { tags: ['directory'], summary: 'Create an account', body: AccountBody, response: { 201: Account } } }, async (req, reply) => {
    const account = await directory.createAccount(allowed(requireActor(req), 'accounts.manage'), req.body);
    return reply.code(201).send(account);
  });
  r.patch('/api/accounts/:id', { schema: { tags: ['directory'], summary: 'Change, disable or reset an account', params: IdParams, body: AccountPatch, response: { 200: Account } } }, async (req) =>
    directory.updateAccount(allowed(requireActor(req), 'accounts.manage'), req.params.id, req.body),
  );
}
