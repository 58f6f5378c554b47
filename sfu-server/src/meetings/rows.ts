/** Store rows → API objects. */
import type { Account, AgendaItem, BridgePoint, MeetingSummary, Unit } from '../../../common/api/model';
import type { Selectable } from 'kysely';
import type { AccountsTable, AgendaItemsTable, BridgePointsTable, MeetingsTable, UnitsTable } from '../store/schema';

export const accountFromRow = (r: Selectable<AccountsTable>): Account => ({
  id: r.id,
  username: r.username,
  displayName: r.display_name,
  title: r.title,
  role: r.role as Account['role'],
  unitId: r.unit_id,
  bridgePointId: r.bridge_point_id,
  disabled: Boolean(r.disabled),
});

export const unitFromRow = (r: Selectable<UnitsTable>): Unit => ({ id: r.id, name: r.name, level: r.level as Unit['level'], parentId: r.parent_id });

export const pointFromRow = (r: Selectable<BridgePointsTable>): BridgePoint => ({ id: r.id, unitId: r.unit_id, name: r.name, headcount: r.headcount });

export const agendaFromRow = (r: Selectable<AgendaItemsTable>): AgendaItem => ({
  id: r.id,
  position: r.position,
  title: r.title,
  presenter: r.presenter,
  durationMinutes: r.duration_minutes,
});

export const meetingSummaryFromRow = (r: Selectable<MeetingsTable>): MeetingSummary => ({
  id: r.id,
  title: r.title,
  startsAt: r.starts_at,
  endsAt: r.ends_at,
  status: r.status as MeetingSummary['status'],
  chairId: r.chair_id,
  secretaryId: r.secretary_id,
});
