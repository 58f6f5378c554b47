/**
 * Watch-only invitations (người theo dõi, table `meeting_viewers`): the organisers list the accounts
 * that may follow the meeting's live broadcast, its agenda and its published documents, without a
 * seat in the conference. Changed while the meeting is being prepared or is live (a province adds
 * viewers as people ask); every change is audited and reaches open connections at once
 * (`AccessChanges`): a viewer removed stops receiving the broadcast within seconds.
 */
import { sql } from 'kysely';
import type { Viewers } from '../../../common/api/broadcast';
import type { AccessChanges } from '../access/access-changes';
import { canOnMeeting, type Actor } from '../auth/policy';
import { AppError, forbidden } from '../errors';
import type { MeetingsService } from '../meetings/meetings-service';
import { audit } from '../store/audit';
import type { Db } from '../store/database';

export class ViewersService {
  constructor(
    readonly db: Db,
    readonly meetings: MeetingsService,
    readonly accessChanges: AccessChanges,
  ) {}

  async list(actor: Actor, meetingId: string): Promise<Viewers> {
    const facts = await this.meetings.authorize(actor, meetingId, 'meeting.view');
    // The list of viewers is the organisers' business (as the account list is).
    if (!canOnMeeting(actor, 'meeting.transition', facts)) throw forbidden('only the organisers see who is invited to watch');
    const rows = await this.db
      .selectFrom('meeting_viewers')
      .innerJoin('accounts', 'accounts.id', 'meeting_viewers.account_id')
      .select(['accounts.id', 'accounts.display_name', 'accounts.title'])
      .where('meeting_viewers.meeting_id', '=', meetingId)
      .orderBy('accounts.display_name')
      .execute();
    return { accountIds: rows.map((r) => r.id), people: rows.map((r) => ({ id: r.id, displayName: r.display_name, title: r.title })) };
  }

  async set(actor: Actor, meetingId: string, accountIds: string[]): Promise<Viewers> {
    const facts = await this.meetings.authorize(actor, meetingId, 'meeting.view');
    const organiser = canOnMeeting(actor, 'meeting.transition', facts);
    if (!organiser) throw forbidden('only the organisers invite viewers');
    if (facts.status === 'ended' || facts.status === 'cancelled') throw new AppError('conflict', 'the meeting is over');
    const unique = [...new Set(accountIds)];
    let found = 0;
    for (let i = 0; i < unique.length; i += 500) {
      const r = await this.db.selectFrom('accounts').select(sql<number>`count(*)`.as('n')).where('id', 'in', unique.slice(i, i + 500)).executeTakeFirst();
      found += Number(r?.n ?? 0);
    }
    if (found !== unique.length) throw new AppError('bad_request', 'unknown accounts', { field: 'accountIds' });
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('meeting_viewers').where('meeting_id', '=', meetingId).execute();
      for (let i = 0; i < unique.length; i += 400) {
        await tx.insertInto('meeting_viewers').values(unique.slice(i, i + 400).map((a) => ({ meeting_id: meetingId, account_id: a }))).execute();
      }
      await audit(tx, { actorId: actor.accountId, action: 'meeting.viewers', targetType: 'meeting', targetId: meetingId, details: { viewers: unique.length } });
    });
    this.accessChanges.publish({ kind: 'meeting', meetingId });
    return this.list(actor, meetingId);
  }
}
