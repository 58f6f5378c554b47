/** The chair's and secretary's "phát trực tiếp" switch (meeting page and room panel). */
import { Alert, Button, Stack } from '@mantine/core';
import { IconBroadcast, IconBroadcastOff } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BroadcastState } from '../../../../common/api/broadcast';
import { apiErrorMessage } from '../../shared/errors';
import { broadcastApi } from './broadcast-api';

export function BroadcastSwitch({ meetingId, state, onChanged }: { meetingId: string; state: BroadcastState; onChanged: () => void }) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const toggle = async () => {
    setBusy(true);
    setError(null);
    try {
      await broadcastApi.set(meetingId, !state.on);
      onChanged();
    } catch (err) {
      setError(apiErrorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Stack gap="xs">
      <Button color={state.on ? 'gray' : 'red'} loading={busy} leftSection={state.on ? <IconBroadcastOff size={16} /> : <IconBroadcast size={16} />} onClick={() => void toggle()} data-testid="broadcast-toggle">
        {state.on ? t('broadcast.stop') : t('broadcast.start')}
      </Button>
      {error && <Alert color="red">{error}</Alert>}
    </Stack>
  );
}
