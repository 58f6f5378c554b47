/** The desktop app's screen-share picker: screens and windows with thumbnails, from the preload. */
import { Alert, Button, Group, Image, Loader, Modal, SimpleGrid, Tabs, Text, UnstyledButton } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ScreenSource } from '../../../../../common/desktop-api';
import { desktopApi } from '../../../platform/desktop';

export function ScreenPicker({ opened, onClose, onPick }: { opened: boolean; onClose: () => void; onPick: (sourceId: string) => void }) {
  const { t } = useTranslation();
  const [sources, setSources] = useState<ScreenSource[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [kind, setKind] = useState<string | null>('screen');

  useEffect(() => {
    if (!opened) return;
    let alive = true;
    setSources(null);
    setSelected(null);
    setError(null);
    const api = desktopApi();
    if (!api) return;
    api.listScreenSources().then(
      (list) => {
        if (!alive) return;
        setSources(list);
        setKind(list.some((s) => s.kind === 'screen') ? 'screen' : 'window');
      },
      (err: unknown) => alive && setError(err instanceof Error ? err.message : String(err)),
    );
    return () => {
      alive = false;
    };
  }, [opened]);

  const shown = (sources ?? []).filter((s) => s.kind === kind);
  return (
    <Modal opened={opened} onClose={onClose} title={t('screenShare.pickTitle')} size="xl" centered>
      {error && (
        <Alert color="red" role="alert" mb="sm">
          {t('screenShare.listFailed', { message: error })}
        </Alert>
      )}
      {!sources && !error && (
        <Group justify="center" py="xl">
          <Loader aria-label={t('common.loading')} />
        </Group>
      )}
      {sources && (
        <Tabs value={kind} onChange={setKind}>
          <Tabs.List mb="sm">
            <Tabs.Tab value="screen">{t('screenShare.screens')}</Tabs.Tab>
            <Tabs.Tab value="window">{t('screenShare.windows')}</Tabs.Tab>
          </Tabs.List>
          {shown.length === 0 && <Text c="dimmed">{t('screenShare.noSources')}</Text>}
          <SimpleGrid cols={{ base: 2, sm: 3 }} spacing="sm" role="radiogroup" aria-label={t('screenShare.pickTitle')} data-testid="screen-sources">
            {shown.map((s) => (
              <UnstyledButton
                key={s.id}
                role="radio"
                aria-checked={selected === s.id}
                aria-label={s.name}
                onClick={() => setSelected(s.id)}
                onDoubleClick={() => onPick(s.id)}
                p={6}
                style={{ borderRadius: 8, border: `2px solid ${selected === s.id ? 'var(--mantine-color-blue-6)' : 'var(--mantine-color-gray-3)'}` }}
              >
                <Image src={s.thumbnail} alt="" h={110} fit="contain" bg="dark.7" radius="sm" />
                <Text size="sm" mt={4} truncate>
                  {s.name}
                </Text>
              </UnstyledButton>
            ))}
          </SimpleGrid>
        </Tabs>
      )}
      <Group justify="flex-end" mt="md">
        <Button variant="default" onClick={onClose}>
          {t('common.cancel')}
        </Button>
        <Button disabled={!selected} onClick={() => selected && onPick(selected)}>
          {t('screenShare.share')}
        </Button>
      </Group>
    </Modal>
  );
}
