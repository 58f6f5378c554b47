/**
 * "Rời phòng": asks first (a stray tap on a tablet must not drop a live meeting). Staying is the
 * default and what Escape or a click outside does.
 */
import { ActionIcon, Button, Group, Modal, Text, Tooltip } from '@mantine/core';
import { IconPhoneOff } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConferenceEngine } from './conference-engine';

export function LeaveButton({ engine, compact }: { engine: ConferenceEngine; compact: boolean }) {
  const { t } = useTranslation();
  const [asking, setAsking] = useState(false);
  return (
    <>
      {compact ? (
        <Tooltip label={t('room.leave')}>
          <ActionIcon size="lg" radius="xl" variant="filled" color="red" aria-label={t('room.leave')} onClick={() => setAsking(true)} data-testid="leave-room">
            <IconPhoneOff size={18} />
          </ActionIcon>
        </Tooltip>
      ) : (
        <Button color="red" radius="xl" leftSection={<IconPhoneOff size={18} />} onClick={() => setAsking(true)} data-testid="leave-room">
          {t('room.leave')}
        </Button>
      )}
      <LeaveConfirmModal
        opened={asking}
        onStay={() => setAsking(false)}
        onLeave={() => {
          setAsking(false);
          void engine.leave();
        }}
      />
    </>
  );
}

/** "Rời phòng họp?": staying is the default and what Escape or a click outside does. */
export function LeaveConfirmModal({ opened, onStay, onLeave }: { opened: boolean; onStay: () => void; onLeave: () => void }) {
  const { t } = useTranslation();
  return (
    <Modal opened={opened} onClose={onStay} title={t('leaveConfirm.title')} centered>
      <Text mb="md">{t('leaveConfirm.message')}</Text>
      <Group justify="flex-end">
        <Button variant="default" onClick={onStay} data-autofocus>
          {t('leaveConfirm.stay')}
        </Button>
        <Button color="red" onClick={onLeave} data-testid="leave-room-confirm">
          {t('leaveConfirm.leave')}
        </Button>
      </Group>
    </Modal>
  );
}
