/**
 * Watch-only invitations on a meeting's page (a MEETING_SECTIONS entry, organisers only): who may
 * follow the broadcast, the agenda and the published documents without a seat (người theo dõi).
 */
import { Alert, Button, Card, Group, MultiSelect, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiErrorMessage } from '../../shared/errors';
import { useAsync } from '../../shared/use-async';
import { api } from '../../net/api-client';
import type { MeetingSectionProps } from '../meetings/meeting-sections';
import { broadcastApi } from './broadcast-api';

export function ViewersSection({ meeting }: MeetingSectionProps) {
  const { t } = useTranslation();
  const organiser = meeting.can.transition;
  const viewers = useAsync(() => (organiser ? broadcastApi.viewers(meeting.id) : Promise.resolve(null)), [meeting.id, organiser]);
  const [editing, setEditing] = useState<string[] | null>(null);
  const [accounts, setAccounts] = useState<{ value: string; label: string }[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (!organiser || !viewers.data) return null;
  const editable = meeting.status !== 'ended' && meeting.status !== 'cancelled';
  const edit = async () => {
    setError(null);
    try {
      const list = await api.accounts();
      setAccounts(list.filter((a) => !a.disabled).map((a) => ({ value: a.id, label: `${a.displayName} (${a.username})` })));
      setEditing(viewers.data?.accountIds ?? []);
    } catch (err) {
      setError(apiErrorMessage(err));
    }
  };
  const save = async () => {
    if (!editing) return;
    setBusy(true);
    try {
      await broadcastApi.setViewers(meeting.id, editing);
      setEditing(null);
      void viewers.reload();
    } catch (err) {
      setError(apiErrorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card withBorder data-testid="viewers-section">
      <Stack>
        <Title order={4}>{t('broadcast.viewers.title')}</Title>
        <Text size="sm" c="dimmed">{t('broadcast.viewers.hint')}</Text>
        {editing ? (
          <>
            <MultiSelect data={accounts} value={editing} onChange={setEditing} searchable label={t('broadcast.viewers.pick')} limit={50} />
            <Group>
              <Button loading={busy} onClick={() => void save()}>{t('broadcast.viewers.save')}</Button>
              <Button variant="default" onClick={() => setEditing(null)}>{t('broadcast.viewers.cancel')}</Button>
            </Group>
          </>
        ) : (
          <>
            <Text>{viewers.data.people.length ? viewers.data.people.map((p) => p.displayName).join(', ') : t('broadcast.viewers.none')}</Text>
            {editable && <Button variant="light" onClick={() => void edit()} style={{ alignSelf: 'flex-start' }}>{t('broadcast.viewers.edit')}</Button>}
          </>
        )}
        {error && <Alert color="red">{error}</Alert>}
      </Stack>
    </Card>
  );
}
