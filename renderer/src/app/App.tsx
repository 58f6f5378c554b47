/** The application shell: header, and the screen for where the user is (set-up, join, room). */
import { AppShell, Button, Group, Stack, Text, Title } from '@mantine/core';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ConferenceEngine } from '../features/conference/conference-engine';
import { RoomView } from '../features/conference/RoomView';
import { useConference } from '../features/conference/use-conference';
import { JoinScreen, type JoinRequest } from '../features/prejoin/JoinScreen';
import { ServerSetup } from '../features/setup/ServerSetup';
import { desktopApi, serverUrl } from '../platform/desktop';
import { errorMessage } from './i18n';
import { LanguageSwitch } from './LanguageSwitch';

declare global {
  interface Window {
    /** The live conference engine, for diagnostics and end-to-end tests. */
    __phonghop?: { engine: ConferenceEngine };
  }
}

export function App() {
  const { t } = useTranslation();
  const engine = useMemo(() => new ConferenceEngine(), []);
  const state = useConference(engine);
  const [joinError, setJoinError] = useState<string | null>(null);
  const [identity, setIdentity] = useState({ displayName: '', pointName: '' });
  window.__phonghop = { engine };

  const isSetup = window.location.hash === '#/setup' && desktopApi() !== undefined;

  const join = async (request: JoinRequest) => {
    setJoinError(null);
    setIdentity({ displayName: request.displayName, pointName: request.pointName });
    try {
      const server = await serverUrl();
      if (!server) throw new Error(t('setup.title'));
      await engine.join({ server, ...request });
    } catch (err) {
      setJoinError(errorMessage(err));
    }
  };

  const inRoom = state.status === 'joined' || state.status === 'reconnecting';
  let content: React.ReactNode;
  if (isSetup) content = <ServerSetup />;
  else if (inRoom) content = <RoomView engine={engine} displayName={identity.displayName} pointName={identity.pointName} />;
  else if (state.status === 'left')
    content = (
      <Stack align="center" mt="xl" component="main">
        <Text size="lg">{t('room.left')}</Text>
        <Button onClick={() => window.location.reload()}>{t('room.rejoin')}</Button>
      </Stack>
    );
  else content = <JoinScreen onJoin={(r) => void join(r)} busy={state.status === 'joining'} error={joinError} />;

  return (
    <AppShell header={{ height: 52 }} padding={0}>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Group gap="xs">
            <img src="./favicon.png" alt="" width={28} height={28} />
            <Title order={2} size="h4">
              {t('app.title')}
            </Title>
            <Text size="sm" c="dimmed" visibleFrom="sm">
              {t('app.tagline')}
            </Text>
          </Group>
          <LanguageSwitch />
        </Group>
      </AppShell.Header>
      <AppShell.Main h="100dvh">{content}</AppShell.Main>
    </AppShell>
  );
}
