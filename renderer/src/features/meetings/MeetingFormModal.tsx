/** Create a meeting, or edit its details: title, description, start and end (Vietnam time), chair, secretary. */
import { Alert, Button, Group, Modal, Select, SimpleGrid, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Account, Meeting } from '../../../../common/api/model';
import { sortAccounts } from '../../shared/directory';
import { apiErrorMessage } from '../../shared/errors';
import { fromLocalInput, nextHourInput, toLocalInput } from '../../shared/time';
import { api } from '../../net/api-client';
import { invalid, useFormSubmit } from '../../shared/use-form-submit';
import { DateTimeField } from './DateTimeField';

interface Props {
  opened: boolean;
  onClose: () => void;
  /** The meeting to edit; none to create one. */
  meeting?: Meeting;
  /** People to choose the chair and secretary from (null when this user may not list accounts). */
  accounts: Account[] | null;
  me: Account;
  onSaved: (meeting: Meeting) => void;
}

interface Form {
  title: string;
  description: string;
  startsAt: string;
  endsAt: string;
  chairId: string | null;
  secretaryId: string | null;
}

function initialForm(meeting: Meeting | undefined, me: Account): Form {
  if (meeting)
    return {
      title: meeting.title,
      description: meeting.description,
      startsAt: toLocalInput(meeting.startsAt),
      endsAt: toLocalInput(meeting.endsAt),
      chairId: meeting.chairId,
      secretaryId: meeting.secretaryId,
    };
  return {
    title: '',
    description: '',
    startsAt: nextHourInput(1),
    endsAt: nextHourInput(3),
    chairId: null,
    secretaryId: me.role === 'secretary' ? me.id : null,
  };
}

export function MeetingFormModal(props: Props) {
  const { t } = useTranslation();
  return (
    <Modal closeButtonProps={{ 'aria-label': t('common.close') }} opened={props.opened} onClose={props.onClose} title={props.meeting ? t('meetingForm.editTitle') : t('meetingForm.createTitle')} size="lg">
      {/* Mounted only while open, so each opening starts from the current values. */}
      {props.opened && <MeetingForm {...props} />}
    </Modal>
  );
}

function MeetingForm({ meeting, accounts, me, onSaved, onClose }: Props) {
  const { t } = useTranslation();
  const [form, setForm] = useState<Form>(() => initialForm(meeting, me));

  const people = sortAccounts((accounts ?? []).filter((a) => !a.disabled || a.id === form.chairId || a.id === form.secretaryId));
  const option = (a: Account) => ({ value: a.id, label: a.title ? `${a.displayName} — ${a.title}` : a.displayName });
  // The server accepts a chair who is a chair, secretary or admin, and a secretary who is a secretary or admin.
  const chairOptions = [
    { group: t('roles.chair'), items: people.filter((a) => a.role === 'chair').map(option) },
    { group: t('meetingForm.otherOrganisers'), items: people.filter((a) => a.role === 'secretary' || a.role === 'admin').map(option) },
  ].filter((g) => g.items.length > 0);
  const secretaryOptions = [
    { group: t('roles.secretary'), items: people.filter((a) => a.role === 'secretary').map(option) },
    { group: t('roles.admin'), items: people.filter((a) => a.role === 'admin').map(option) },
  ].filter((g) => g.items.length > 0);

  const { busy, error, onSubmit } = useFormSubmit(
    async () => {
      const startsAt = fromLocalInput(form.startsAt);
      const endsAt = fromLocalInput(form.endsAt);
      if (!form.title.trim()) invalid(t('meetingForm.titleRequired'));
      if (!startsAt || !endsAt) invalid(t('meetingForm.timeRequired'));
      if (new Date(endsAt) <= new Date(startsAt)) invalid(t('meetingForm.endBeforeStart'));
      if (!meeting && new Date(startsAt).getTime() < Date.now() - 5 * 60_000) invalid(t('meetingForm.startInPast'));
      if (new Date(endsAt).getTime() - new Date(startsAt).getTime() > 7 * 24 * 3600_000) invalid(t('meetingForm.tooLong'));
      if (!form.chairId || !form.secretaryId) invalid(t('meetingForm.peopleRequired'));
      if (form.chairId === form.secretaryId) invalid(t('meetingForm.samePerson'));
      const body = { title: form.title.trim(), description: form.description.trim(), startsAt, endsAt, chairId: form.chairId, secretaryId: form.secretaryId };
      const saved = meeting ? await api.updateMeeting(meeting.id, body) : await api.createMeeting(body);
      onSaved(saved);
    },
    (err) => ((err as { details?: { reason?: string } }).details?.reason === 'same_person' ? t('meetingForm.samePerson') : apiErrorMessage(err)),
  );

  const canPickPeople = accounts !== null;

  return (
    <form onSubmit={onSubmit} noValidate>
      <Stack gap="sm">
        <TextInput
          label={t('meetingForm.title')}
          placeholder={t('meetingForm.titlePlaceholder')}
          value={form.title}
          onChange={(e) => setForm({ ...form, title: e.currentTarget.value })}
          maxLength={300}
          required
          data-autofocus
        />
        <Textarea
          label={t('meetingForm.description')}
          value={form.description}
          onChange={(e) => setForm({ ...form, description: e.currentTarget.value })}
          maxLength={5000}
          autosize
          minRows={2}
          maxRows={8}
        />
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <DateTimeField label={t('meetingForm.startsAt')} value={form.startsAt} onChange={(startsAt) => setForm((f) => ({ ...f, startsAt }))} required />
          <DateTimeField label={t('meetingForm.endsAt')} value={form.endsAt} onChange={(endsAt) => setForm((f) => ({ ...f, endsAt }))} required />
        </SimpleGrid>
        <Text size="xs" c="dimmed" mt={-6}>
          {t('meetingForm.timeZoneHint')}
        </Text>
        {canPickPeople ? (
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <Select
              label={t('meeting.chair')}
              data={chairOptions}
              value={form.chairId}
              onChange={(v) => setForm({ ...form, chairId: v })}
              searchable
              nothingFoundMessage={t('common.nothingFound')}
              required
              allowDeselect={false}
            />
            <Select
              label={t('meeting.secretary')}
              data={secretaryOptions}
              value={form.secretaryId}
              onChange={(v) => setForm({ ...form, secretaryId: v })}
              searchable
              nothingFoundMessage={t('common.nothingFound')}
              required
              allowDeselect={false}
            />
          </SimpleGrid>
        ) : (
          <Text size="sm" c="dimmed">
            {t('meetingForm.peopleUnchanged')}
          </Text>
        )}
        {error && (
          <Alert color="red" role="alert">
            {error}
          </Alert>
        )}
        <Group justify="flex-end" mt="xs">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={busy}>
            {meeting ? t('common.save') : t('meetingForm.create')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
