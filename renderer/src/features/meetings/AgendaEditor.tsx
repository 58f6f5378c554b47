/** The agenda editor: ordered items (title, presenter, minutes); add, remove, move up and down; save. */
import { ActionIcon, Box, Button, Group, Modal, NumberInput, Paper, Stack, Text, TextInput, Tooltip } from '@mantine/core';
import { IconArrowDown, IconArrowUp, IconPlus, IconTrash } from '@tabler/icons-react';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Meeting } from '../../../../common/api/model';
import { FormFooter } from '../../shared/FormFooter';
import { api } from '../../net/api-client';
import { invalid, useFormSubmit } from '../../shared/use-form-submit';

interface Row {
  key: number;
  /** The stored item's id (kept on save, so its documents stay attached); new rows have none. */
  id?: string;
  title: string;
  presenter: string;
  durationMinutes: number | string;
}

export function AgendaEditor({ meeting, opened, onClose, onSaved }: { meeting: Meeting; opened: boolean; onClose: () => void; onSaved: (m: Meeting) => void }) {
  const { t } = useTranslation();
  return (
    <Modal closeButtonProps={{ 'aria-label': t('common.close') }} opened={opened} onClose={onClose} title={t('agenda.editTitle')} size="xl">
      {opened && <AgendaForm meeting={meeting} onClose={onClose} onSaved={onSaved} />}
    </Modal>
  );
}

function AgendaForm({ meeting, onClose, onSaved }: { meeting: Meeting; onClose: () => void; onSaved: (m: Meeting) => void }) {
  const { t } = useTranslation();
  const nextKey = useRef(0);
  const [rows, setRows] = useState<Row[]>(() =>
    [...meeting.agenda].sort((a, b) => a.position - b.position).map((i) => ({ key: nextKey.current++, id: i.id, title: i.title, presenter: i.presenter, durationMinutes: i.durationMinutes })),
  );

  const update = (key: number, patch: Partial<Row>) => setRows((rs) => rs.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  const move = (index: number, by: -1 | 1) =>
    setRows((rs) => {
      const next = [...rs];
      const [row] = next.splice(index, 1);
      if (row) next.splice(index + by, 0, row);
      return next;
    });
  const add = () => setRows((rs) => [...rs, { key: nextKey.current++, title: '', presenter: '', durationMinutes: 15 }]);
  const total = rows.reduce((sum, r) => sum + (Number(r.durationMinutes) || 0), 0);

  const { busy, error, onSubmit } = useFormSubmit(async () => {
    const badTitle = rows.findIndex((r) => !r.title.trim());
    if (badTitle >= 0) invalid(t('agenda.titleRequired', { n: badTitle + 1 }));
    const badDuration = rows.findIndex((r) => !Number.isInteger(Number(r.durationMinutes)) || Number(r.durationMinutes) < 1 || Number(r.durationMinutes) > 600);
    if (badDuration >= 0) invalid(t('agenda.durationInvalid', { n: badDuration + 1 }));
    const saved = await api.setAgenda(meeting.id, {
      items: rows.map((r) => ({ ...(r.id ? { id: r.id } : {}), title: r.title.trim(), presenter: r.presenter.trim(), durationMinutes: Number(r.durationMinutes) })),
    });
    onSaved(saved);
  });

  return (
    <form onSubmit={onSubmit} noValidate>
      <Stack gap="sm">
        {rows.length === 0 && (
          <Text c="dimmed" size="sm">
            {t('agenda.empty')}
          </Text>
        )}
        <Stack gap="xs" component="ol" style={{ listStyle: 'none', padding: 0, margin: 0 }} aria-label={t('agenda.title')}>
          {rows.map((row, index) => {
            const n = index + 1;
            return (
              <Paper key={row.key} withBorder p="sm" radius="md" component="li" data-testid="agenda-row">
                <Group align="flex-end" gap="sm" wrap="nowrap">
                  <Text fw={700} w={24} ta="right" pb={8} aria-hidden>
                    {n}.
                  </Text>
                  <Box style={{ flex: 1, minWidth: 0 }}>
                    <Group gap="sm" align="flex-end" wrap="wrap">
                      <TextInput
                        style={{ flex: '3 1 240px' }}
                        label={t('agenda.itemTitle')}
                        aria-label={t('agenda.itemTitleN', { n })}
                        value={row.title}
                        onChange={(e) => update(row.key, { title: e.currentTarget.value })}
                        maxLength={300}
                        required
                      />
                      <TextInput
                        style={{ flex: '2 1 160px' }}
                        label={t('agenda.presenter')}
                        aria-label={t('agenda.presenterN', { n })}
                        value={row.presenter}
                        onChange={(e) => update(row.key, { presenter: e.currentTarget.value })}
                        maxLength={200}
                      />
                      <NumberInput
                        style={{ flex: '0 0 110px' }}
                        label={t('agenda.minutes')}
                        aria-label={t('agenda.minutesN', { n })}
                        value={row.durationMinutes}
                        onChange={(v) => update(row.key, { durationMinutes: v })}
                        min={1}
                        max={600}
                        step={5}
                        allowDecimal={false}
                        allowNegative={false}
                      />
                    </Group>
                  </Box>
                  <Group gap={4} wrap="nowrap" pb={4}>
                    <Tooltip label={t('agenda.moveUp')}>
                      <ActionIcon variant="default" aria-label={t('agenda.moveUpN', { n })} disabled={index === 0} onClick={() => move(index, -1)}>
                        <IconArrowUp size={16} />
                      </ActionIcon>
                    </Tooltip>
                    <Tooltip label={t('agenda.moveDown')}>
                      <ActionIcon variant="default" aria-label={t('agenda.moveDownN', { n })} disabled={index === rows.length - 1} onClick={() => move(index, 1)}>
                        <IconArrowDown size={16} />
                      </ActionIcon>
                    </Tooltip>
                    <Tooltip label={t('agenda.remove')}>
                      <ActionIcon variant="light" color="red" aria-label={t('agenda.removeN', { n })} onClick={() => setRows((rs) => rs.filter((r) => r.key !== row.key))}>
                        <IconTrash size={16} />
                      </ActionIcon>
                    </Tooltip>
                  </Group>
                </Group>
              </Paper>
            );
          })}
        </Stack>
        <Group justify="space-between">
          <Button variant="light" leftSection={<IconPlus size={16} />} onClick={add} disabled={rows.length >= 100}>
            {t('agenda.add')}
          </Button>
          <Text size="sm" c="dimmed">
            {t('agenda.total', { minutes: total })}
          </Text>
        </Group>
        <FormFooter error={error} busy={busy} onCancel={onClose} submitLabel={t('agenda.save')} />
      </Stack>
    </form>
  );
}
