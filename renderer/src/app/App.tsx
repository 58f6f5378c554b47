/**
 * The application shell: the header and the page for the current hash route. Every page but the
 * desktop's first-run `#/setup` and `#/login` needs a session; without one the app goes to the
 * login page and comes back afterwards.
 */
import { Alert, AppShell, Button, Center, Container, Loader, Stack, Text, Title } from '@mantine/core';
import { lazy, Suspense, useEffect, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { LoginPage } from '../features/auth/LoginPage';
import { checkSession, startSession, useSession } from '../features/auth/session';
import { ConferenceEngine } from '../features/conference/conference-engine';
import { useConferenceShallow } from '../features/conference/use-conference';
import { JoinMeetingPage } from '../features/meetings/JoinMeetingPage';
import { MeetingPage } from '../features/meetings/MeetingPage';
import { MyMeetingsPage } from '../features/meetings/MyMeetingsPage';
import { ServerSetup } from '../features/setup/ServerSetup';
import { desktopApi } from '../platform/desktop';
import { AppHeader } from './AppHeader';
import { MEETING_SECTIONS } from './meeting-sections';
import { ROOM_FEATURES } from './room-features';
import { VIEWER_EXTENSIONS } from './viewer-extensions';
import { ViewerExtensionsContext } from '../features/documents/page-overlays';

/** Administration is loaded when first opened (most users never do): out of the first download. */
const AdminPage = lazy(() => import('../features/admin/AdminPage').then((m) => ({ default: m.AdminPage })));
import { apiErrorMessage } from '../shared/errors';
import { currentPath, href, navigate, parseRoute, usePath, type Route } from '../shared/router';

declare global {
  interface Window {
    /** The live conference engine, for diagnostics and end-to-end tests. */
    __phonghop?: { engine: ConferenceEngine };
  }
}

const RETURN_KEY = 'phonghop.returnTo';

export function App() {
  const { t } = useTranslation();
  const engine = useMemo(() => new ConferenceEngine(), []);
  window.__phonghop = { engine };
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

  const account = session.status === 'signedIn' ? session.account : null;
  const conference = useConferenceShallow(engine, (s) => ({ status: s.status }));
  const inRoom = route.name === 'join' && (conference.status === 'joined' || conference.status === 'reconnecting');

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
  else content = <SignedInPage route={route} engine={engine} isAdmin={session.account.role === 'admin'} />;

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

function SignedInPage({ route, engine, isAdmin }: { route: Route; engine: ConferenceEngine; isAdmin: boolean }) {
  const { t } = useTranslation();
  switch (route.name) {
    case 'meetings':
    case 'login':
    case 'setup':
      return <MyMeetingsPage />;
    case 'meeting':
      return <MeetingPage key={route.id} id={route.id} sections={MEETING_SECTIONS} />;
    case 'join':
      return <JoinMeetingPage key={route.id} id={route.id} engine={engine} room={ROOM_FEATURES} />;
    case 'admin':
      return isAdmin ? (
        <Suspense fallback={<Loader />}>
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

function Centered({ children }: { children: React.ReactNode }) {
  return (
    <Center py={80} w="100%">
      {children}
    </Center>
  );
}
