/**
 * The application shell: the header and the page for the current hash route. Every page but the
 * desktop's first-run `#/setup` and `#/login` needs a session; without one the app goes to the
 * login page and comes back afterwards.
 */
import { Alert, AppShell, Button, Center, Container, Loader, Stack, Text, Title } from '@mantine/core';
import { lazy, Suspense, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LoginPage } from '../features/auth/LoginPage';
import { checkSession, startSession, useSession } from '../features/auth/session';
import { MyMeetingsPage } from '../features/meetings/MyMeetingsPage';
import { ServerSetup } from '../features/setup/ServerSetup';
import { desktopApi } from '../platform/desktop';
import { AppHeader } from './AppHeader';
import { VIEWER_EXTENSIONS } from './viewer-extensions';
import { ViewerExtensionsContext } from '../features/documents/page-overlays';
import { apiErrorMessage } from '../shared/errors';
import { PageErrorBoundary } from '../shared/PageErrorBoundary';
import { currentPath, href, navigate, parseRoute, usePath, type Route } from '../shared/router';

/*
 * Out of the first download (login and "my meetings" need none of it), each its own chunk:
 * - the join page and the room (RoomRoute: the conference engine with mediasoup-client, the
 *   pre-join screen, the room's panels and overlays), fetched ahead while the login page waits
 *   for the user's typing or once the meeting list has shown, so joining does not wait for it;
 * - the meeting page with its sections (MeetingRoute), fetched ahead after the room's code if the
 *   meeting list is still what the user looks at (not during a join, whose media share the link);
 * - administration, when first opened (most users never do).
 * Tested: tests/unit/renderer-first-download.test.ts (main.tsx's static imports reach none of these).
 */
const loadRoom = () => import('./RoomRoute');
const loadMeeting = () => import('./MeetingRoute');
const RoomRoute = lazy(() => loadRoom().then((m) => ({ default: m.RoomRoute })));
const MeetingRoute = lazy(() => loadMeeting().then((m) => ({ default: m.MeetingRoute })));
const AdminPage = lazy(() => import('../features/admin/AdminPage').then((m) => ({ default: m.AdminPage })));

// Fetching ahead is best effort: a failure is met again, and reported, by the page when opened.
let roomAhead: Promise<unknown> | null = null;
let meetingAhead = false;

/** The room's code, once per app, in the background. */
function fetchRoomAhead(): Promise<unknown> {
  roomAhead ??= loadRoom().catch(() => undefined);
  return roomAhead;
}

/** From "my meetings" once its list shows: the room's code, then (one at a time: a weak link) the meeting page's. */
function fetchPagesAhead(): void {
  if (meetingAhead) return;
  meetingAhead = true;
  void fetchRoomAhead().then(() => (parseRoute(currentPath()).name === 'meetings' ? loadMeeting().catch(() => undefined) : undefined));
}

const RETURN_KEY = 'phonghop.returnTo';

export function App() {
  const { t } = useTranslation();
  const path = usePath();
  const route = parseRoute(path);
  const session = useSession();
  const isSetup = route.name === 'setup' && desktopApi() !== undefined;

  useEffect(() => {
    if (!isSetup) startSession();
  }, [isSetup]);

  // The login gate: remember where the user was going, and go back there after logging in.
  useEffect(() => {
    if (isSetup) return;
    if (session.status === 'anonymous' && route.name !== 'login') {
      if (route.name !== 'setup') sessionStorage.setItem(RETURN_KEY, currentPath());
      navigate({ name: 'login' }, { replace: true, force: true });
    } else if (session.status === 'signedIn' && (route.name === 'login' || route.name === 'setup')) {
      const back = sessionStorage.getItem(RETURN_KEY);
      sessionStorage.removeItem(RETURN_KEY);
      navigate(back && parseRoute(back).name !== 'login' ? back : { name: 'meetings' }, { replace: true });
    } else if (session.status === 'signedIn' && route.name === 'admin' && session.account.role !== 'admin') {
      navigate({ name: 'meetings' }, { replace: true, force: true });
    }
  }, [isSetup, session, route.name]);

  // The user types their name and password: the link is idle, the room's code can come meanwhile.
  const onLoginPage = session.status === 'anonymous' && route.name === 'login';
  useEffect(() => {
    if (onLoginPage) void fetchRoomAhead();
  }, [onLoginPage]);

  const account = session.status === 'signedIn' ? session.account : null;
  // The room (joined or reconnecting) takes the window's height; RoomRoute says when it shows.
  const [roomShowing, setRoomShowing] = useState(false);
  const inRoom = route.name === 'join' && roomShowing;

  let content: React.ReactNode;
  if (isSetup) content = <ServerSetup />;
  else if (session.status === 'loading') content = <Centered>{<Loader aria-label={t('common.loading')} />}</Centered>;
  else if (session.status === 'unreachable')
    content = (
      <Container size="xs" py="xl">
        <Alert color="red" role="alert" title={t('app.unreachable')}>
          <Stack gap="xs" align="flex-start">
            <Text size="sm">{apiErrorMessage(session.error)}</Text>
            <Button size="xs" variant="light" onClick={() => void checkSession()}>
              {t('common.retry')}
            </Button>
          </Stack>
        </Alert>
      </Container>
    );
  else if (session.status === 'anonymous') content = route.name === 'login' ? <LoginPage expired={session.expired} /> : null;
  else
    content = (
      <PageErrorBoundary resetKey={path}>
        <SignedInPage route={route} onInRoom={setRoomShowing} isAdmin={session.account.role === 'admin'} />
      </PageErrorBoundary>
    );

  return (
    <ViewerExtensionsContext.Provider value={VIEWER_EXTENSIONS}>
    <AppShell header={{ height: 56 }} padding={0}>
      <AppShell.Header>
        <AppHeader account={account} route={route} />
      </AppShell.Header>
      <AppShell.Main h={inRoom ? '100dvh' : undefined} style={{ background: inRoom ? undefined : 'light-dark(var(--mantine-color-gray-0), var(--mantine-color-dark-8))' }} mih="100dvh">
        {content}
      </AppShell.Main>
    </AppShell>
    </ViewerExtensionsContext.Provider>
  );
}

function SignedInPage({ route, onInRoom, isAdmin }: { route: Route; onInRoom: (inRoom: boolean) => void; isAdmin: boolean }) {
  const { t } = useTranslation();
  switch (route.name) {
    case 'meetings':
    case 'login':
    case 'setup':
      return <MyMeetingsPage onShown={fetchPagesAhead} />;
    case 'meeting':
      return (
        <Suspense fallback={<PageLoading />}>
          <MeetingRoute id={route.id} />
        </Suspense>
      );
    case 'join':
      return (
        <Suspense fallback={<PageLoading />}>
          <RoomRoute id={route.id} onInRoom={onInRoom} />
        </Suspense>
      );
    case 'admin':
      return isAdmin ? (
        <Suspense fallback={<PageLoading />}>
          <AdminPage section={route.section} />
        </Suspense>
      ) : null;
    case 'notFound':
      return (
        <Centered>
          <Stack align="center">
            <Title order={1} size="h3">
              {t('app.notFound')}
            </Title>
            <Button component="a" href={href({ name: 'meetings' })}>
              {t('meetings.title')}
            </Button>
          </Stack>
        </Centered>
      );
  }
}

/** While a page's code arrives (on a slow link, a few seconds the first time). */
function PageLoading() {
  const { t } = useTranslation();
  return <Centered>{<Loader aria-label={t('common.loading')} />}</Centered>;
}

function Centered({ children }: { children: React.ReactNode }) {
  return (
    <Center py={80} w="100%">
      {children}
    </Center>
  );
}
