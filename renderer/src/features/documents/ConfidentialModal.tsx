/** Marking a document confidential, and choosing the roles and people (besides the organisers) who may read it. */
import { Alert, Checkbox, Modal, MultiSelect, Stack, Switch, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MeetingDocument } from '../../../../common/api/documents';
import { ROLES, type Role } from '../../../../common/api/model';
import { FormFooter } from '../../shared/FormFooter';
import { useAsync } from '../../shared/use-async';
import { useFormSubmit } from '../../shared/use-form-submit';
import { api } from '../../net/api-client';
import { updateDocument } from './documents-api';

export function ConfidentialModal({ doc, onClose, onSaved, canListPeople }: { doc: MeetingDocument; onClose: () => void; onSaved: (d: MeetingDocument) => void; canListPeople: boolean }) {
  const { t } = useTranslation();
  const accounts = useAsync(() => api.accounts(), [], canListPeople);
  const [confidential, setConfidential] = useState(doc.confidential);
  const [roles, setRoles] = useState<Role[]>(doc.allowedRoles);
  const [people, setPeople] = useState<string[]>(doc.allowedAccountIds);
  const [watermark, setWatermark] = useState<string>(doc.watermarkSetting === null ? 'meeting' : doc.watermarkSetting ? 'on' : 'off');
  const { busy, error, onSubmit } = useFormSubmit(async () => {
    const saved = await updateDocument(doc.id, { confidential, allowedRoles: roles, allowedAccountIds: people, watermarkSetting: watermark === 'meeting' ? null : watermark === 'on' });
    onSaved(saved);
  });

  return (
    <Modal opened onClose={onClose} title={t('documents.access.title', { title: doc.title })} size="lg">
      <form
        onSubmit={onSubmit}
      >
        <Stack>
          <Switch checked={confidential} onChange={(e) => setConfidential(e.currentTarget.checked)} label={t('documents.access.confidential')} description={t('documents.access.confidentialHint')} data-testid="confidential-switch" />
          {confidential && (
            <>
              <Checkbox.Group label={t('documents.access.roles')} value={roles} onChange={(v) => setRoles(v as Role[])}>
                <Stack gap={4} mt={4}>
                  {ROLES.filter((r) => r !== 'admin').map((r) => (
                    <Checkbox key={r} value={r} label={t(`roles.${r}`)} />
                  ))}
                </Stack>
              </Checkbox.Group>
              {canListPeople ? (
                <MultiSelect
                  label={t('documents.access.people')}
                  searchable
                  value={people}
                  onChange={setPeople}
                  data={(accounts.data ?? []).filter((a) => !a.disabled).map((a) => ({ value: a.id, label: a.title ? `${a.displayName} — ${a.title}` : a.displayName }))}
                  nothingFoundMessage={t('common.nothingFound')}
                />
              ) : (
                <Text size="sm" c="dimmed">
                  {t('documents.access.peopleUnavailable')}
                </Text>
              )}
              <Alert color="orange" variant="light">
                {t('documents.access.confidentialRules')}
              </Alert>
            </>
          )}
          {!confidential && (
            <Checkbox.Group label={t('documents.access.watermark')} value={[watermark]} onChange={(v) => setWatermark(v.filter((x) => x !== watermark)[0] ?? watermark)}>
              <Stack gap={4} mt={4}>
                <Checkbox value="meeting" label={t('documents.access.watermarkMeeting')} />
                <Checkbox value="on" label={t('documents.access.watermarkOn')} />
                <Checkbox value="off" label={t('documents.access.watermarkOff')} />
              </Stack>
            </Checkbox.Group>
          )}
          <FormFooter error={error} busy={busy} onCancel={onClose} submitLabel={t('common.save')} />
        </Stack>
      </form>
    </Modal>
  );
}
