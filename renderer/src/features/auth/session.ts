/**
 * Who is signed in: a tiny store over the API client's session events, read with
 * `useSession()`. Start-up asks `GET /api/auth/me`; the client refreshes the session by itself
 * (cookie, or the desktop's stored refresh token) before giving up.
 */
import { useSyncExternalStore } from 'react';
import type { Account } from '../../../../common/api/model';
import { api, ApiRequestError } from '../../net/api-client';

export type SessionState =
  | { status: 'loading' }
  | { status: 'anonymous'; expired: boolean }
  | { status: 'signedIn'; account: Account }
  | { status: 'unreachable'; error: unknown };

let state: SessionState = { status: 'loading' };
const listeners = new Set<() => void>();

function set(next: SessionState): void {
  state = next;
  for (const l of listeners) l();
}

api.onSession = (account) => set({ status: 'signedIn', account });
api.onSessionEnded = () => {
  if (state.status !== 'anonymous') set({ status: 'anonymous', expired: state.status === 'signedIn' });
};

let started = false;

/** Finds out once whether a session exists (safe to call more than once). */
export function startSession(): void {
  if (started) return;
  started = true;
  void checkSession();
}

export async function checkSession(): Promise<void> {
  try {
    const account = await api.me();
    set({ status: 'signedIn', account });
  } catch (err) {
    if (err instanceof ApiRequestError && err.status === 401) set({ status: 'anonymous', expired: false });
    else set({ status: 'unreachable', error: err });
  }
}

export async function login(username: string, password: string): Promise<Account> {
  const session = await api.login(username, password);
  return session.account;
}

export async function logout(): Promise<void> {
  await api.logout();
  set({ status: 'anonymous', expired: false });
}

/** Replaces the signed-in account (e.g. after it was edited). */
export function updateAccount(account: Account): void {
  if (state.status === 'signedIn' && state.account.id === account.id) set({ status: 'signedIn', account });
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useSession(): SessionState {
  return useSyncExternalStore(subscribe, () => state);
}

/** The signed-in account; only for components rendered behind the login gate. */
export function useAccount(): Account {
  const s = useSession();
  if (s.status !== 'signedIn') throw new Error('useAccount outside a session');
  return s.account;
}
