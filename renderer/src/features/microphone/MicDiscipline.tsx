/**
 * Microphone discipline in the room (always mounted, ROOM_OVERLAYS): the keyboard shortcuts
 * (Space held = push to talk, M microphone, V camera, ? the shortcut sheet; see room-keys.ts), a
 * "talking" badge while Space is held, and a hint when the user talks with the microphone muted.
 *
 * Mantine's `useHotkeys` fires on key-down only; push to talk needs the key-up too, so the room
 * has one listener of its own for every shortcut, with one rule for "the user is typing".
 */
import { Badge, Box, Kbd, Modal, Paper, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconMicrophone, IconMicrophoneOff } from '@tabler/icons-react';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../shared/errors';
import type { RoomFeatureProps } from '../conference/room-panels';
import { useConferenceShallow } from '../conference/use-conference';
import { describeTarget, roomShortcut } from './room-keys';
import { shortcutSheet, useShortcutSheetOpen } from './shortcut-sheet';
import { useMutedSpeech } from './use-muted-speech';

const isSpace = (e: KeyboardEvent) => e.code === 'Space' || e.key === ' ';

export function MicDiscipline({ engine }: RoomFeatureProps) {
  const { t } = useTranslation();
  const state = useConferenceShallow(engine, (s) => ({ micMuted: s.micMuted }));
  const sheet = useShortcutSheetOpen();
  const [pushToTalk, setPushToTalk] = useState(false);
  const held = useRef(false);

  useEffect(() => {
    const fail = (err: unknown) => notifications.show({ color: 'red', message: errorMessage(err) });
    const release = () => {
      if (!held.current) return;
      held.current = false;
      setPushToTalk(false);
      engine.setMicMuted(true).catch(fail);
    };
    const down = (e: KeyboardEvent) => {
      const shortcut = roomShortcut(e, describeTarget(e.target));
      if (!shortcut) return;
      e.preventDefault();
      if (e.repeat) return;
      const s = engine.getState();
      if (s.status !== 'joined' && s.status !== 'reconnecting') return;
      if (shortcut === 'talk') {
        if (held.current || !s.micMuted) return;
        held.current = true;
        setPushToTalk(true);
        engine.setMicMuted(false).catch((err: unknown) => {
          // Refused (controlled floor, host mute): the microphone stays off.
          held.current = false;
          setPushToTalk(false);
          fail(err);
        });
      } else if (shortcut === 'mic') engine.setMicMuted(!s.micMuted).catch(fail);
      else if (shortcut === 'camera') engine.setCameraOff(!s.cameraOff).catch(fail);
      else shortcutSheet.toggle();
    };
    const up = (e: KeyboardEvent) => {
      if (!isSpace(e)) return;
      if (held.current) {
        e.preventDefault();
        release();
      } else if (roomShortcut(e, describeTarget(e.target)) === 'talk') e.preventDefault();
    };
    window.addEventListener('keydown', down);
    window.addEventListener('keyup', up);
    // Focus leaving the window while Space is held: the key-up never arrives here.
    window.addEventListener('blur', release);
    return () => {
      window.removeEventListener('keydown', down);
      window.removeEventListener('keyup', up);
      window.removeEventListener('blur', release);
      release();
      // Leaving the room closes the sheet.
      shortcutSheet.close();
    };
  }, [engine]);

  const micTrack = engine.localStream?.getAudioTracks()[0] ?? null;
  const talkingMuted = useMutedSpeech(micTrack, state.micMuted && !pushToTalk);

  return (
    <>
      {/* Both notices sit over the stage's pager and the toolbar's edge: they take no clicks, so
          whatever is under them stays usable (the hint stays up while a muted room is noisy). */}
      {pushToTalk && !state.micMuted && (
        <Box pos="absolute" bottom={84} left="50%" style={{ transform: 'translateX(-50%)', zIndex: 6, pointerEvents: 'none' }}>
          <Badge size="xl" color="green" variant="filled" leftSection={<IconMicrophone size={16} />} role="status" data-testid="ptt-active">
            {t('mic.pushToTalkActive')}
          </Badge>
        </Box>
      )}
      {talkingMuted && state.micMuted && (
        <Paper pos="absolute" bottom={84} left="50%" shadow="md" p="sm" radius="md" withBorder role="status" data-testid="muted-speech-hint" style={{ transform: 'translateX(-50%)', zIndex: 6, maxWidth: 'min(92vw, 520px)', pointerEvents: 'none' }}>
          <Text size="sm" fw={600}>
            <IconMicrophoneOff size={16} style={{ verticalAlign: 'text-bottom', marginRight: 6 }} aria-hidden />
            {t('mic.talkingWhileMuted')}
          </Text>
        </Paper>
      )}
      <ShortcutSheet opened={sheet} onClose={shortcutSheet.close} />
    </>
  );
}

export function ShortcutSheet({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const rows: Array<[React.ReactNode, string]> = [
    [<Kbd key="space">{t('mic.keys.space')}</Kbd>, t('mic.shortcuts.talk')],
    [<Kbd key="m">M</Kbd>, t('mic.shortcuts.mic')],
    [<Kbd key="v">V</Kbd>, t('mic.shortcuts.camera')],
    [<Kbd key="help">?</Kbd>, t('mic.shortcuts.help')],
  ];
  return (
    <Modal opened={opened} onClose={onClose} title={t('mic.sheetTitle')} centered closeButtonProps={{ 'aria-label': t('mic.close') }} data-testid="shortcut-sheet">
      <Table>
        <Table.Tbody>
          {rows.map(([key, what], i) => (
            <Table.Tr key={i}>
              <Table.Td w={120}>{key}</Table.Td>
              <Table.Td>{what}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Text size="xs" c="dimmed" mt="sm">
        {t('mic.sheetNote')}
      </Text>
    </Modal>
  );
}
