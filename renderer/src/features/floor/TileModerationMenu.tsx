/** The organisers' menu on a participant's tile: give the floor, mute, ask to unmute, host point, remove. */
import { ActionIcon, Button, Group, Menu, Modal, Stack, Text } from '@mantine/core';
import { IconBuildingBroadcastTower, IconDotsVertical, IconMicrophone, IconMicrophoneOff, IconSpeakerphone, IconUserX } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PeerInfo } from '../../../../common/protocol';
import type { ConferenceEngine } from '../conference/conference-engine';
import { useConference } from '../conference/use-conference';
import { act } from './floor-actions';
import { isManager, useFloorSlice } from './floor-store';

export function TileModerationMenu({ engine, peer }: { engine: ConferenceEngine; peer: PeerInfo }) {
  const { t } = useTranslation();
  const self = useConference(engine, (s) => s.self);
  // Only what this peer's menu shows: a floor change that does not concern it re-renders nothing.
  const floor = useFloorSlice(engine, ({ state }) => {
    if (!state || !isManager(state, self)) return null;
    const holder = state.holder?.accountId === peer.accountId;
    return {
      hostMuted: state.hostMuted.includes(peer.accountId),
      organiser: state.organiserIds.includes(peer.accountId),
      holder,
      // In controlled mode only the floor holder, the chair and the host point may be asked to unmute (others: give the floor).
      mayBeAsked: !state.controlled || holder || peer.accountId === state.chairId || (state.hostPointName !== '' && peer.pointName === state.hostPointName),
    };
  });
  const [confirmRemove, setConfirmRemove] = useState(false);
  if (!floor) return null;
  const { hostMuted, organiser, holder, mayBeAsked } = floor;
  const name = peer.pointName || peer.displayName;
  const mic = peer.producers.find((p) => p.source === 'mic');
  const micOn = mic !== undefined && !mic.paused;
  return (
    <>
      <Menu position="top-end" withinPortal shadow="md">
        <Menu.Target>
          <ActionIcon variant="filled" color="dark" size="sm" aria-label={t('moderation.menu', { name })} data-testid="tile-moderation">
            <IconDotsVertical size={14} />
          </ActionIcon>
        </Menu.Target>
        <Menu.Dropdown>
          {holder ? (
            <Menu.Item leftSection={<IconSpeakerphone size={16} />} onClick={() => void act(engine, 'floor.take', {})}>
              {t('floor.take')}
            </Menu.Item>
          ) : (
            <Menu.Item leftSection={<IconSpeakerphone size={16} />} onClick={() => void act(engine, 'floor.give', { accountId: peer.accountId })}>
              {t('floor.give')}
            </Menu.Item>
          )}
          {micOn && !hostMuted ? (
            <Menu.Item leftSection={<IconMicrophoneOff size={16} />} onClick={() => void act(engine, 'moderation.mute', { accountId: peer.accountId })}>
              {t('moderation.mute')}
            </Menu.Item>
          ) : (
            <>
              {!hostMuted && (
                <Menu.Item leftSection={<IconMicrophoneOff size={16} />} onClick={() => void act(engine, 'moderation.mute', { accountId: peer.accountId })}>
                  {t('moderation.keepMuted')}
                </Menu.Item>
              )}
              {mayBeAsked && (
                <Menu.Item leftSection={<IconMicrophone size={16} />} onClick={() => void act(engine, 'moderation.askUnmute', { accountId: peer.accountId }, t('moderation.askedUnmute', { name }))}>
                  {t('moderation.askUnmute')}
                </Menu.Item>
              )}
            </>
          )}
          {peer.pointName && (
            <Menu.Item leftSection={<IconBuildingBroadcastTower size={16} />} onClick={() => void act(engine, 'floor.settings', { hostAccountId: peer.accountId })}>
              {t('floor.makeHost')}
            </Menu.Item>
          )}
          {!organiser && (
            <>
              <Menu.Divider />
              <Menu.Item color="red" leftSection={<IconUserX size={16} />} onClick={() => setConfirmRemove(true)}>
                {t('moderation.remove')}
              </Menu.Item>
            </>
          )}
        </Menu.Dropdown>
      </Menu>
      <Modal opened={confirmRemove} onClose={() => setConfirmRemove(false)} title={t('moderation.removeTitle')} centered>
        <Stack>
          <Text>{t('moderation.removeConfirm', { name })}</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirmRemove(false)}>
              {t('moderation.cancel')}
            </Button>
            <Button
              color="red"
              onClick={() => {
                setConfirmRemove(false);
                void act(engine, 'moderation.remove', { accountId: peer.accountId }, t('moderation.removed', { name }));
              }}
            >
              {t('moderation.removeAction')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
