/** Units (province → district → commune, departments), their bridge points, and accounts. */
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { Account, BridgePoint, Unit } from '../../../common/api/model';
import type { AccountBody, AccountPatch, BridgePointBody, BridgePointPatch, UnitBody, UnitPatch } from '../../../common/api/requests';
import { AccessChanges } from '../access/access-changes';
import { hashPassword } from '../auth/passwords';
import type { Actor } from '../auth/policy';
import { AppError, notFound } from '../errors';
import { audit } from '../store/audit';
import type { Db } from '../store/database';
import { accountFromRow, pointFromRow, unitFromRow } from './rows';

const now = () => new Date().toISOString();

export class DirectoryService {
  constructor(
    readonly db: Db,
    readonly onAccountDisabled: (accountId: string) => Promise<void>,
    /** Told when an account's role, bridge point, unit or name changes, or it is disabled (open connections are checked again). */
    readonly accessChanges: AccessChanges = new AccessChanges(),
  ) {}

  // ---- units -----------------------------------------------------------------------------
  async listUnits(): Promise<Unit[]> {
    return (await this.db.selectFrom('units').selectAll().orderBy('name').execute()).map(unitFromRow);
  }

  async createUnit(actor: Actor, body: z.output<typeof UnitBody>): Promise<Unit> {
    if (body.parentId) await this.#unitRow(body.parentId);
    const row = { id: randomUUID(), name: body.name, level: body.level, parent_id: body.parentId, created_at: now() };
    await this.db.transaction().execute(async (tx) => {
      await tx.insertInto('units').values(row).execute();
      await audit(tx, { actorId: actor.accountId, action: 'unit.create', targetType: 'unit', targetId: row.id, details: { name: row.name, level: row.level } });
    });
    return unitFromRow(row);
  }

  async updateUnit(actor: Actor, id: string, patch: z.output<typeof UnitPatch>): Promise<Unit> {
    const current = await this.#unitRow(id);
    if (patch.parentId) {
      // A unit cannot be moved under itself or one of its own sub-units.
      for (let p: string | null = patch.parentId; p; p = (await this.#unitRow(p)).parent_id) {
        if (p === id) throw new AppError('conflict', 'a unit cannot be inside itself');
      }
    }
    const next = {
      name: patch.name ?? current.name,
      level: patch.level ?? current.level,
      parent_id: patch.parentId === undefined ? current.parent_id : patch.parentId,
    };
    await this.db.transaction().execute(async (tx) => {
      await tx.updateTable('units').set(next).where('id', '=', id).execute();
      await audit(tx, { actorId: actor.accountId, action: 'unit.update', targetType: 'unit', targetId: id, details: patch });
    });
    return unitFromRow({ ...current, ...next });
  }

  async deleteUnit(actor: Actor, id: string): Promise<void> {
    await this.#unitRow(id);
    const child = await this.db.selectFrom('units').select('id').where('parent_id', '=', id).executeTakeFirst();
    const point = await this.db.selectFrom('bridge_points').select('id').where('unit_id', '=', id).executeTakeFirst();
    const account = await this.db.selectFrom('accounts').select('id').where('unit_id', '=', id).executeTakeFirst();
    if (child || point || account) throw new AppError('conflict', 'the unit still has sub-units, bridge points or accounts');
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('units').where('id', '=', id).execute();
      await audit(tx, { actorId: actor.accountId, action: 'unit.delete', targetType: 'unit', targetId: id });
    });
  }

  async #unitRow(id: string) {
    const row = await this.db.selectFrom('units').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound('unit');
    return row;
  }

  // ---- bridge points ---------------------------------------------------------------------
  async listPoints(): Promise<BridgePoint[]> {
    return (await this.db.selectFrom('bridge_points').selectAll().orderBy('name').execute()).map(pointFromRow);
  }

  async createPoint(actor: Actor, body: z.output<typeof BridgePointBody>): Promise<BridgePoint> {
    await this.#unitRow(body.unitId);
    const row = { id: randomUUID(), unit_id: body.unitId, name: body.name, headcount: body.headcount, created_at: now() };
    await this.db.transaction().execute(async (tx) => {
      await tx.insertInto('bridge_points').values(row).execute();
      await audit(tx, { actorId: actor.accountId, action: 'point.create', targetType: 'bridge_point', targetId: row.id, details: { name: row.name } });
    });
    return pointFromRow(row);
  }

  async updatePoint(actor: Actor, id: string, patch: z.output<typeof BridgePointPatch>): Promise<BridgePoint> {
    const current = await this.#pointRow(id);
    if (patch.unitId) await this.#unitRow(patch.unitId);
    const next = { unit_id: patch.unitId ?? current.unit_id, name: patch.name ?? current.name, headcount: patch.headcount ?? current.headcount };
    await this.db.transaction().execute(async (tx) => {
      await tx.updateTable('bridge_points').set(next).where('id', '=', id).execute();
      await audit(tx, { actorId: actor.accountId, action: 'point.update', targetType: 'bridge_point', targetId: id, details: patch });
    });
    return pointFromRow({ ...current, ...next });
  }

  async deletePoint(actor: Actor, id: string): Promise<void> {
    await this.#pointRow(id);
    const used = await this.db.selectFrom('meeting_points').select('meeting_id').where('bridge_point_id', '=', id).executeTakeFirst();
    const operator = await this.db.selectFrom('accounts').select('id').where('bridge_point_id', '=', id).executeTakeFirst();
    if (used || operator) throw new AppError('conflict', 'the bridge point is invited to meetings or has an operator');
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('bridge_points').where('id', '=', id).execute();
      await audit(tx, { actorId: actor.accountId, action: 'point.delete', targetType: 'bridge_point', targetId: id });
    });
  }

  async #pointRow(id: string) {
    const row = await this.db.selectFrom('bridge_points').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound('bridge point');
    return row;
  }

  // ---- accounts --------------------------------------------------------------------------
  async listAccounts(): Promise<Account[]> {
    return (await this.db.selectFrom('accounts').selectAll().orderBy('display_name').execute()).map(accountFromRow);
  }

  async createAccount(actor: Actor | null, body: z.output<typeof AccountBody>): Promise<Account> {
    await this.#checkAccountLinks(body.role, body.unitId, body.bridgePointId);
    const exists = await this.db.selectFrom('accounts').select('id').where('username', '=', body.username).executeTakeFirst();
    if (exists) throw new AppError('conflict', 'username already taken');
    const row = {
      id: randomUUID(),
      username: body.username,
      display_name: body.displayName,
      title: body.title,
      role: body.role,
      unit_id: body.unitId,
      bridge_point_id: body.bridgePointId,
      password_hash: await hashPassword(body.password),
      disabled: 0,
      created_at: now(),
      updated_at: now(),
    };
    try {
      await this.db.transaction().execute(async (tx) => {
        await tx.insertInto('accounts').values(row).execute();
        await audit(tx, { actorId: actor?.accountId ?? null, action: 'account.create', targetType: 'account', targetId: row.id, details: { username: row.username, role: row.role } });
      });
    } catch (err) {
      // Taken by a concurrent request between the check above and this insert (hashing takes a while).
      const taken = await this.db.selectFrom('accounts').select('id').where('username', '=', body.username).executeTakeFirst();
      if (taken) throw new AppError('conflict', 'username already taken');
      throw err;
    }
    return accountFromRow(row);
  }

  async updateAccount(actor: Actor, id: string, patch: z.output<typeof AccountPatch>): Promise<Account> {
    const current = await this.db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
    if (!current) throw notFound('account');
    if (id === actor.accountId && (patch.disabled || (patch.role && patch.role !== 'admin'))) {
      throw new AppError('conflict', 'you cannot disable or demote your own account');
    }
    const role = patch.role ?? current.role;
    const unitId = patch.unitId === undefined ? current.unit_id : patch.unitId;
    const pointId = patch.bridgePointId === undefined ? current.bridge_point_id : patch.bridgePointId;
    await this.#checkAccountLinks(role, unitId, pointId);
    const next = {
      display_name: patch.displayName ?? current.display_name,
      title: patch.title ?? current.title,
      role,
      unit_id: unitId,
      bridge_point_id: pointId,
      disabled: patch.disabled === undefined ? current.disabled : patch.disabled ? 1 : 0,
      password_hash: patch.password ? await hashPassword(patch.password) : current.password_hash,
      updated_at: now(),
    };
    const { password: _omit, ...logged } = patch;
    await this.db.transaction().execute(async (tx) => {
      await tx.updateTable('accounts').set(next).where('id', '=', id).execute();
      await audit(tx, { actorId: actor.accountId, action: 'account.update', targetType: 'account', targetId: id, details: { ...logged, passwordReset: Boolean(patch.password) } });
    });
    if (patch.disabled || patch.password) await this.onAccountDisabled(id);
    if (next.role !== current.role || next.bridge_point_id !== current.bridge_point_id || next.unit_id !== current.unit_id || next.display_name !== current.display_name || next.disabled !== current.disabled) {
      this.accessChanges.publish({ kind: 'account', accountId: id });
    }
    return accountFromRow({ ...current, ...next });
  }

  async #checkAccountLinks(role: string, unitId: string | null, pointId: string | null): Promise<void> {
    if (unitId) await this.#unitRow(unitId);
    if (pointId) await this.#pointRow(pointId);
    if (role === 'operator' && !pointId) throw new AppError('bad_request', 'a bridge-point operator needs a bridge point');
    if (role !== 'operator' && pointId) throw new AppError('bad_request', 'only bridge-point operators have a bridge point');
  }
}
