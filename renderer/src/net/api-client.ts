/**
 * The typed HTTP API client. Every response is checked with the zod schemas of `common/api`; every
 * error is an `ApiRequestError` carrying the server's stable code and message key.
 *
 * Sessions: the server sets HTTP-only cookies, so a browser needs nothing else. The desktop app
 * also keeps the refresh token in the OS secure storage (`phonghop.setSecret`) so a session
 * survives a restart. Access tokens are short-lived: on a 401 the client refreshes once (one
 * refresh at a time, shared by concurrent calls) and retries once; if that fails the session has
 * ended and `onSessionEnded` is called.
 *
 * A 503 (the server's database is restarting; nothing was done) is retried for idempotent requests
 * (GET, PUT, DELETE) after Retry-After, with backoff, up to three times; a POST is not repeated
 * behind the person's back: its error (`apiErrors.unavailable`) is shown and they send it again.
 */
import { z } from 'zod';
import { Account, ApiError, BridgePoint, Meeting, MyMeetings, Unit, type MeetingStatus } from '../../../common/api/model';
import {
  AccountBody,
  AccountPatch,
  AgendaBody,
  BridgePointBody,
  BridgePointPatch,
  InvitationsBody,
  MeetingBody,
  MeetingPatch,
  Session,
  UnitBody,
  UnitPatch,
} from '../../../common/api/requests';
import { desktopApi, serverUrl } from '../platform/desktop';
import { connectivity } from '../offline/connectivity';
import { offlineCopy } from './offline-copy';

export const REFRESH_SECRET_KEY = 'refreshToken';

export class ApiRequestError extends Error {
  constructor(
    /** HTTP status; 0 when the server could not be reached. */
    readonly status: number,
    readonly code: string,
    readonly messageKey: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiRequestError';
  }
}

const CODE_BY_STATUS: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  429: 'rate_limited',
  503: 'unavailable',
  507: 'storage_full',
};

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** Methods that do the same thing when sent twice, so a 503 can be retried without asking. */
const IDEMPOTENT: ReadonlySet<Method> = new Set(['GET', 'PUT', 'DELETE']);
export const MAX_RETRIES = 3;

/**
 * How long to wait before retry `attempt` (0-based) after a 503: the server's Retry-After (seconds,
 * at most 30), else 1, 2, 4 s; with up to 25 % jitter so a whole province does not come back at once.
 */
export function retryDelayMs(attempt: number, retryAfter: string | null, random = Math.random): number {
  const seconds = retryAfter !== null && /^\d+$/.test(retryAfter.trim()) ? Math.min(30, Number(retryAfter.trim())) : 2 ** attempt;
  return Math.round(seconds * 1000 * (1 + random() * 0.25));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface CallOptions<S extends z.ZodType | undefined> {
  body?: unknown;
  /** Schema of the JSON response; without one the response body is ignored (204). */
  schema?: S;
  /** Refresh and retry once on 401 (not for the auth calls themselves). */
  retry?: boolean;
}

type Result<S> = S extends z.ZodType ? z.output<S> : void;

const ME = '/api/auth/me';

export class ApiClient {
  #refreshing: Promise<boolean> | null = null;
  /** Called when the session is over (a refresh failed): the app goes to the login page. */
  onSessionEnded: () => void = () => {};
  /** Called with the account of every new or refreshed session. */
  onSession: (account: Account) => void = () => {};

  // ---- transport -------------------------------------------------------------------------
  async #url(path: string): Promise<string> {
    const base = await serverUrl();
    if (!base) throw new ApiRequestError(0, 'network', 'apiErrors.network', 'no server address');
    return new URL(path, base).toString();
  }

  async #fetch(method: Method, path: string, body: unknown, accept = 'application/json'): Promise<Response> {
    const headers: Record<string, string> = { accept };
    const init: RequestInit = { method, credentials: 'include', headers, cache: 'no-store' };
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    try {
      const res = await fetch(await this.#url(path), init);
      connectivity.reached();
      return res;
    } catch (err) {
      if (err instanceof ApiRequestError) throw err;
      connectivity.unreachable();
      throw new ApiRequestError(0, 'network', 'apiErrors.network', err instanceof Error ? err.message : String(err));
    }
  }

  /** One request, sent again after a 503 when it is idempotent (see the top of this file). */
  async #send(method: Method, path: string, body: unknown, accept?: string): Promise<Response> {
    for (let attempt = 0; ; attempt++) {
      const res = await this.#fetch(method, path, body, accept);
      if (res.status !== 503 || !IDEMPOTENT.has(method) || attempt >= MAX_RETRIES) return res;
      await res.body?.cancel().catch(() => undefined);
      await sleep(retryDelayMs(attempt, res.headers.get('retry-after')));
    }
  }

  async #raw(method: Method, path: string, body: unknown, retry: boolean, accept?: string): Promise<Response> {
    let res = await this.#send(method, path, body, accept);
    if (res.status === 401 && retry) {
      if (await this.refresh()) res = await this.#send(method, path, body, accept);
      if (res.status === 401) {
        this.onSessionEnded();
        throw await errorFrom(res);
      }
    }
    if (!res.ok) throw await errorFrom(res);
    return res;
  }

  async call<S extends z.ZodType | undefined = undefined>(method: Method, path: string, opts: CallOptions<S> = {}): Promise<Result<S>> {
    const res = await this.#raw(method, path, opts.body, opts.retry ?? true);
    if (!opts.schema) return undefined as Result<S>;
    let json: unknown;
    try {
      json = await res.json();
    } catch {
      throw new ApiRequestError(res.status, 'bad_response', 'apiErrors.bad_response', 'the server answered something that is not JSON');
    }
    const parsed = opts.schema.safeParse(json);
    if (!parsed.success) {
      throw new ApiRequestError(res.status, 'bad_response', 'apiErrors.bad_response', `unexpected answer from ${path}`, parsed.error.issues);
    }
    return parsed.data as Result<S>;
  }

  // ---- sessions --------------------------------------------------------------------------
  async login(username: string, password: string): Promise<Session> {
    const desktop = desktopApi();
    const session = await this.call('POST', '/api/auth/login', {
      body: { username, password, client: desktop ? 'desktop' : 'web' },
      schema: Session,
      retry: false,
    });
    await this.#keepRefreshToken(session);
    offlineCopy.ownedBy(session.account.id);
    offlineCopy.keep(ME, session.account);
    this.onSession(session.account);
    return session;
  }

  /**
   * A new access token from the refresh cookie, or in the desktop app from the stored refresh
   * token. Concurrent callers share one attempt. True when the session goes on.
   */
  refresh(): Promise<boolean> {
    this.#refreshing ??= (async () => {
      const desktop = desktopApi();
      let stored: string | null = null;
      try {
        stored = desktop ? await desktop.getSecret(REFRESH_SECRET_KEY) : null;
      } catch {
        stored = null;
      }
      try {
        const session = await this.call('POST', '/api/auth/refresh', {
          body: stored ? { refreshToken: stored } : {},
          schema: Session,
          retry: false,
        });
        await this.#keepRefreshToken(session);
        this.onSession(session.account);
        return true;
      } catch (err) {
        if (stored && err instanceof ApiRequestError && err.status === 401) await desktop?.setSecret(REFRESH_SECRET_KEY, null).catch(() => undefined);
        return false;
      } finally {
        this.#refreshing = null;
      }
    })();
    return this.#refreshing;
  }

  async #keepRefreshToken(session: Session): Promise<void> {
    const desktop = desktopApi();
    if (desktop && session.refreshToken) await desktop.setSecret(REFRESH_SECRET_KEY, session.refreshToken).catch(() => undefined);
  }

  /** Ends the session on the server (best effort) and forgets the stored refresh token. */
  async logout(): Promise<void> {
    try {
      // With an expired access token the session is refreshed first, so the server really ends it.
      await this.call('POST', '/api/auth/logout');
    } catch {
      /* the session may already be gone */
    } finally {
      offlineCopy.clear();
      await desktopApi()
        ?.setSecret(REFRESH_SECRET_KEY, null)
        .catch(() => undefined);
    }
  }

  /**
   * A GET whose last answer is kept on the device (offline-copy.ts) and given back when the
   * server cannot be reached at all.
   */
  async #kept<S extends z.ZodType>(path: string, schema: S): Promise<z.output<S>> {
    try {
      const value = (await this.call('GET', path, { schema })) as z.output<S>;
      offlineCopy.keep(path, value);
      return value;
    } catch (err) {
      if (err instanceof ApiRequestError && err.status === 0) {
        const copy = schema.safeParse(offlineCopy.read(path));
        if (copy.success) {
          connectivity.showingKept(null);
          return copy.data as z.output<S>;
        }
      }
      throw err;
    }
  }

  /** The signed-in account (refreshing the session first if the access token has expired). */
  me(): Promise<Account> {
    return this.#kept(ME, Account);
  }

  // ---- directory -------------------------------------------------------------------------
  units = () => this.#kept('/api/units', z.array(Unit));
  createUnit = (body: z.input<typeof UnitBody>) => this.call('POST', '/api/units', { body, schema: Unit });
  updateUnit = (id: string, body: z.input<typeof UnitPatch>) => this.call('PATCH', `/api/units/${enc(id)}`, { body, schema: Unit });
  deleteUnit = (id: string) => this.call('DELETE', `/api/units/${enc(id)}`);

  bridgePoints = () => this.#kept('/api/bridge-points', z.array(BridgePoint));
  createBridgePoint = (body: z.input<typeof BridgePointBody>) => this.call('POST', '/api/bridge-points', { body, schema: BridgePoint });
  updateBridgePoint = (id: string, body: z.input<typeof BridgePointPatch>) =>
    this.call('PATCH', `/api/bridge-points/${enc(id)}`, { body, schema: BridgePoint });
  deleteBridgePoint = (id: string) => this.call('DELETE', `/api/bridge-points/${enc(id)}`);

  accounts = () => this.call('GET', '/api/accounts', { schema: z.array(Account) });
  createAccount = (body: z.input<typeof AccountBody>) => this.call('POST', '/api/accounts', { body, schema: Account });
  updateAccount = (id: string, body: z.input<typeof AccountPatch>) => this.call('PATCH', `/api/accounts/${enc(id)}`, { body, schema: Account });

  // ---- meetings --------------------------------------------------------------------------
  myMeetings = () => this.#kept('/api/meetings', MyMeetings);
  meeting = (id: string) => this.#kept(`/api/meetings/${enc(id)}`, Meeting);
  createMeeting = (body: z.input<typeof MeetingBody>) => this.call('POST', '/api/meetings', { body, schema: Meeting });
  updateMeeting = (id: string, body: z.input<typeof MeetingPatch>) => this.call('PATCH', `/api/meetings/${enc(id)}`, { body, schema: Meeting });
  setAgenda = (id: string, body: z.input<typeof AgendaBody>) => this.call('PUT', `/api/meetings/${enc(id)}/agenda`, { body, schema: Meeting });
  setInvitations = (id: string, body: z.input<typeof InvitationsBody>) =>
    this.call('PUT', `/api/meetings/${enc(id)}/invitations`, { body, schema: Meeting });
  transition = (id: string, to: Exclude<MeetingStatus, 'draft'>) =>
    this.call('POST', `/api/meetings/${enc(id)}/transition`, { body: { to }, schema: Meeting });

  invitationIcsPath = (id: string) => `/api/meetings/${enc(id)}/invitation.ics`;

  /** The meeting's calendar invitation (text/calendar) as a Blob, with the session refreshed if needed. */
  async invitationIcs(id: string): Promise<Blob> {
    const res = await this.#raw('GET', this.invitationIcsPath(id), undefined, true, 'text/calendar');
    return res.blob();
  }
}

const enc = encodeURIComponent;

async function errorFrom(res: Response): Promise<ApiRequestError> {
  const fallbackCode = CODE_BY_STATUS[res.status] ?? (res.status >= 500 ? 'internal' : 'bad_request');
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    body = null;
  }
  const parsed = ApiError.safeParse(body);
  if (parsed.success) {
    const { code, messageKey, message, details } = parsed.data;
    return new ApiRequestError(res.status, code, messageKey, message, details);
  }
  return new ApiRequestError(res.status, fallbackCode, `apiErrors.${fallbackCode}`, `HTTP ${res.status}`);
}

/** The one client of the app. */
export const api = new ApiClient();

// While the server is unreachable, the offline banner's probe: is it back?
connectivity.setProbe(async () => {
  const base = await serverUrl();
  if (!base) return false;
  const res = await fetch(new URL('/api/health', base), { cache: 'no-store' }).catch(() => null);
  return res !== null;
});
