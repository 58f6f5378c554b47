/** Helpers for vote tests: a live meeting with joined signaling clients per person. */
import { liveMeeting, person, TestApi, type Person } from './api-client';
import { TestSignalingClient } from './signaling-test-client';

export interface Joined {
  person: Person;
  client: TestSignalingClient;
}

export async function joinAll(url: string, meetingId: string, people: Person[]): Promise<TestSignalingClient[]> {
  const clients: TestSignalingClient[] = [];
  for (const p of people) {
    const c = await TestSignalingClient.connect(url, p.token);
    await c.request('join', { meetingId });
    clients.push(c);
  }
  return clients;
}

/** A live meeting with `n` delegates (plus its chair and secretary), everyone joined. */
export async function votingMeeting(url: string, n: number, extra: Person[] = []) {
  const admin = await TestApi.admin(url);
  const delegates: Person[] = [];
  for (let i = 0; i < n; i++) delegates.push(await person(admin, 'delegate', `Đại biểu ${i + 1}`));
  const meeting = await liveMeeting(admin, [...delegates, ...extra]);
  return { admin, meeting, delegates };
}

/** The error code of a refused request (throws if it succeeded). */
export async function errorCode(client: TestSignalingClient, method: string, data: unknown): Promise<string> {
  const frame = await client.requestFrame(method, data);
  if (!('ok' in frame) || frame.ok) throw new Error(`${method} was accepted: ${JSON.stringify(frame)}`);
  return frame.error.code;
}
