/**
 * The signaling session alone (fake connection, fake media): joining, notifications that arrive
 * before the join's answer, the event bus across reconnects, automatic rejoin after a cut, the
 * server's final close codes and final refusals, leaving.
 */
import { describe, expect, it } from 'vitest';
import type { NotificationName, Notifications, PeerInfo } from '../../../common/protocol';
import { createConferenceStore } from '../../../renderer/src/features/conference/conference-store';
import { SignalingSession, type JoinAnswer, type SessionMedia } from '../../../renderer/src/features/conference/signaling-session';
import { FakeConnection, refusal, until, type Handlers } from '../../support/fake-signaling';

const MEETING = '11111111-1111-4111-8111-111111111111';

const peer = (id: string, joinedAt = 1): PeerInfo => ({ id, accountId: `acc-${id}`, role: 'operator', displayName: id, pointName: id, unitName: '', level: null, headcount: null, joinedAt, producers: [] });

const answer = (peers: PeerInfo[] = [peer('other')]): JoinAnswer => ({ peerId: 'me', self: peer('me', 0), meetingTitle: 'Giao ban', routerRtpCapabilities: { codecs: [], headerExtensions: [] }, peers });

class FakeMedia implements SessionMedia {
  readonly calls: string[] = [];
  readonly handled: [NotificationName, unknown][] = [];
  async prepare(): Promise<void> {
    this.calls.push('prepare');
  }
  async setUp(): Promise<void> {
    this.calls.push('setUp');
  }
  joined(): void {
    this.calls.push('joined');
  }
  async handle(name: NotificationName, data: Notifications[NotificationName]): Promise<void> {
    this.handled.push([name, data]);
  }
  tearDown(final: boolean): void {
    this.calls.push(final ? 'tearDown(final)' : 'tearDown');
  }
}

function setup(handlers: (n: number) => Handlers = () => ({ join: () => answer() })) {
  const store = createConferenceStore();
  const media = new FakeMedia();
  const connections: FakeConnection[] = [];
  let refreshed = 0;
  const session = new SignalingSession(store, media, {
    connect: () => {
      const c = new FakeConnection(handlers(connections.length));
      connections.push(c);
      return c;
    },
    refreshAuth: async () => {
      refreshed++;
    },
  });
  return { store, media, connections, session, refreshed: () => refreshed };
}

describe('signaling session', () => {
  it('joins: the room from the answer, media set up, then joined and the joined listeners called', async () => {
    const { store, media, session, connections } = setup();
    const statuses: string[] = [];
    store.subscribe((s, prev) => s.status !== prev.status && statuses.push(s.status));
    let joinedCalls = 0;
    session.onJoined(() => joinedCalls++);
    await session.join('http://server', MEETING);
    expect(statuses).toEqual(['joining', 'joined']);
    const s = store.getState();
    expect([s.selfId, s.room, s.meetingId, s.peers.map((p) => p.info.id)]).toEqual(['me', 'Giao ban', MEETING, ['other']]);
    expect(media.calls).toEqual(['prepare', 'setUp', 'joined']);
    expect(joinedCalls).toBe(1);
    expect(connections[0]!.methods()).toEqual(['link.iceServers', 'join']);
    // A listener added once joined is called at once.
    session.onJoined(() => joinedCalls++);
    expect(joinedCalls).toBe(2);
  });

  it('notifications sent before the join is answered are handled after its list, in order, and reach the event bus', async () => {
    const { store, media, session } = setup(() => ({
      join: (_d, conn) => {
        conn.notify('peerJoined', { peer: peer('late', 2) });
        conn.notify('activeSpeaker', { peerId: 'late' });
        return answer();
      },
    }));
    const heard: string[] = [];
    session.on('peerJoined', ({ peer: p }) => heard.push(p.id));
    await session.join('http://server', MEETING);
    await until(() => media.handled.length === 2);
    expect(media.handled.map(([n]) => n)).toEqual(['peerJoined', 'activeSpeaker']);
    expect(heard).toEqual(['late']);
    expect(store.getState().status).toBe('joined');
  });

  it('rejoins by itself after a cut; listeners keep working on the new connection', async () => {
    const { store, media, session, connections } = setup();
    let joinedCalls = 0;
    session.onJoined(() => joinedCalls++);
    const heard: string[] = [];
    session.on('peerLeft', ({ peerId }) => heard.push(peerId));
    await session.join('http://server', MEETING);
    connections[0]!.serverClose(1006);
    expect(store.getState().status).toBe('reconnecting');
    expect(store.getState().peers).toEqual([]);
    await until(() => store.getState().status === 'joined');
    expect(connections).toHaveLength(2);
    expect(joinedCalls).toBe(2);
    expect(media.calls).toEqual(['prepare', 'setUp', 'joined', 'tearDown', 'prepare', 'setUp', 'joined']);
    connections[1]!.notify('peerLeft', { peerId: 'other' });
    // The old connection is not listened to any more.
    connections[0]!.notify('peerLeft', { peerId: 'ghost' });
    expect(heard).toEqual(['other']);
  });

  it('keeps trying while the server refuses for a passing reason, refreshing the login between attempts', async () => {
    const { store, session, connections, refreshed } = setup((n) => ({ join: () => (n === 1 || n === 2 ? Promise.reject(refusal('internal')) : answer()) }));
    await session.join('http://server', MEETING);
    connections[0]!.serverClose(1006);
    await until(() => store.getState().status === 'joined' && connections.length === 4, 8000);
    expect(refreshed()).toBeGreaterThanOrEqual(2);
    expect(store.getState().error).toBeNull();
  });

  it('stops for good when the server ends the presence (final close code)', async () => {
    const { store, media, session, connections } = setup();
    await session.join('http://server', MEETING);
    connections[0]!.serverClose(4004);
    expect(store.getState()).toMatchObject({ status: 'left', error: { code: 'meeting_ended' }, peers: [], selfId: null });
    expect(media.calls.at(-1)).toBe('tearDown(final)');
    await new Promise((r) => setTimeout(r, 400));
    expect(connections).toHaveLength(1);
  });

  it('stops for good when a rejoin is refused for a final reason', async () => {
    const { store, session, connections } = setup((n) => ({ join: () => (n === 0 ? answer() : Promise.reject(refusal('meeting_not_live'))) }));
    await session.join('http://server', MEETING);
    connections[0]!.serverClose(1006);
    await until(() => store.getState().status === 'left');
    expect((store.getState().error as { code: string }).code).toBe('meeting_not_live');
    await new Promise((r) => setTimeout(r, 400));
    expect(connections).toHaveLength(2);
  });

  it('a media restart (4010) rejoins without waiting; another cut waits first', async () => {
    const flush = async () => {
      for (let i = 0; i < 20; i++) await Promise.resolve();
    };
    const { store, session, connections } = setup();
    await session.join('http://server', MEETING);
    connections[0]!.serverClose(4010);
    await flush();
    // Connecting again already, with no timer run in between.
    expect(connections).toHaveLength(2);
    await until(() => store.getState().status === 'joined');
    connections[1]!.serverClose(1006);
    await flush();
    expect(connections).toHaveLength(2);
    await until(() => store.getState().status === 'joined' && connections.length === 3);
  });

  it('a refused first join fails and stops the local devices', async () => {
    const { store, media, session } = setup(() => ({ join: () => Promise.reject(refusal('not_invited')) }));
    await expect(session.join('http://server', MEETING)).rejects.toMatchObject({ code: 'not_invited' });
    expect(store.getState().status).toBe('failed');
    expect(media.calls).toEqual(['tearDown(final)']);
  });

  it('leaves: says so to the server, tears down, no rejoin; requests then fail as closed', async () => {
    const { store, media, session, connections } = setup();
    await session.join('http://server', MEETING);
    await session.leave();
    expect(connections[0]!.methods().at(-1)).toBe('leave');
    expect(connections[0]!.closedByClient).toBe(true);
    expect(store.getState()).toMatchObject({ status: 'left', peers: [], selfId: null, self: null });
    expect(media.calls.at(-1)).toBe('tearDown(final)');
    await expect(session.request('chat.history', {} as never)).rejects.toMatchObject({ code: 'closed' });
  });

  describe('several servers: placement asked before every attempt', () => {
    function placed(answers: (avoid: string | undefined) => Promise<{ serverId: string | null; signalingUrl: string | null }>) {
      const store = createConferenceStore();
      const media = new FakeMedia();
      const connections: { url: string | undefined; conn: FakeConnection }[] = [];
      const asked: (string | undefined)[] = [];
      const session = new SignalingSession(store, media, {
        connect: (_server, url) => {
          const conn = new FakeConnection({ join: () => answer() });
          connections.push({ url, conn });
          return conn;
        },
        refreshAuth: async () => undefined,
        place: (_server, _meeting, avoid) => {
          asked.push(avoid);
          return answers(avoid);
        },
      });
      return { store, session, connections, asked };
    }
    const on = (id: string) => Promise.resolve({ serverId: id, signalingUrl: `wss://hop.example.vn/s/${id}/ws` });

    it('connects where placement says; when that server drops, asks again avoiding it and rejoins on another', async () => {
      const { store, session, connections, asked } = placed((avoid) => on(avoid === 'a' ? 'b' : 'a'));
      await session.join('http://server', MEETING);
      expect(connections.map((c) => c.url)).toEqual(['wss://hop.example.vn/s/a/ws']);
      expect(asked).toEqual([undefined]);
      connections[0]!.conn.serverClose(1006);
      await until(() => store.getState().status === 'joined' && connections.length === 2);
      expect(asked).toEqual([undefined, 'a']);
      expect(connections[1]!.url).toBe('wss://hop.example.vn/s/b/ws');
      expect(connections[1]!.conn.methods()).toContain('join');
    });

    it('a drained server (4011) sends the client elsewhere without waiting', async () => {
      const flush = async () => {
        for (let i = 0; i < 40; i++) await Promise.resolve();
      };
      const { store, session, connections, asked } = placed((avoid) => on(avoid === 'a' ? 'c' : 'a'));
      await session.join('http://server', MEETING);
      connections[0]!.conn.serverClose(4011);
      await flush();
      // Asked and connecting again already, with no timer run in between.
      expect(asked).toEqual([undefined, 'a']);
      expect(connections.map((c) => c.url)).toEqual(['wss://hop.example.vn/s/a/ws', 'wss://hop.example.vn/s/c/ws']);
      await until(() => store.getState().status === 'joined');
    });

    it('a first join whose placed server is gone tries once more, avoiding it; a final refusal is not retried', async () => {
      const store = createConferenceStore();
      const urls: (string | undefined)[] = [];
      const asked: (string | undefined)[] = [];
      const session = new SignalingSession(store, new FakeMedia(), {
        connect: (_server, url) => {
          urls.push(url);
          return new FakeConnection({ join: () => (url?.includes('/s/a/') ? Promise.reject(refusal('internal')) : answer()) });
        },
        refreshAuth: async () => undefined,
        place: async (_server, _meeting, avoid) => {
          asked.push(avoid);
          return on(avoid === 'a' ? 'b' : 'a');
        },
      });
      await session.join('http://server', MEETING);
      expect(asked).toEqual([undefined, 'a']);
      expect(urls).toEqual(['wss://hop.example.vn/s/a/ws', 'wss://hop.example.vn/s/b/ws']);
      expect(store.getState().status).toBe('joined');
      // not_invited everywhere: one attempt only.
      const finalSession = new SignalingSession(createConferenceStore(), new FakeMedia(), {
        connect: () => new FakeConnection({ join: () => Promise.reject(refusal('not_invited')) }),
        refreshAuth: async () => undefined,
        place: async () => on('a'),
      });
      await expect(finalSession.join('http://server', MEETING)).rejects.toMatchObject({ code: 'not_invited' });
    });

    it('one server (no placement) or a placement that fails or hangs: the address already known', async () => {
      const one = placed(() => Promise.resolve({ serverId: null, signalingUrl: null }));
      await one.session.join('http://server', MEETING);
      expect(one.connections.map((c) => c.url)).toEqual([undefined]);
      const failing = placed(() => Promise.reject(new Error('network')));
      await failing.session.join('http://server', MEETING);
      expect(failing.connections.map((c) => c.url)).toEqual([undefined]);
      const hanging = placed(() => new Promise(() => undefined));
      const started = Date.now();
      await hanging.session.join('http://server', MEETING);
      expect(hanging.connections.map((c) => c.url)).toEqual([undefined]);
      expect(Date.now() - started).toBeLessThan(5000);
    });
  });

  it('the media losing its transport (ICE failed) rejoins', async () => {
    const { store, session, connections } = setup();
    await session.join('http://server', MEETING);
    session.connectionLost(connections[0]!);
    expect(store.getState().status).toBe('reconnecting');
    await until(() => store.getState().status === 'joined' && connections.length === 2);
    // A stale connection's loss changes nothing.
    session.connectionLost(connections[0]!);
    expect(store.getState().status).toBe('joined');
  });
});
