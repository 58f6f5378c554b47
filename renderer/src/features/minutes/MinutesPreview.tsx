/** The minutes as the server assembled them (the same record the PDF is made from), for the secretary to read before producing the PDF. */
import { List, Stack, Table, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { MinutesBlock, MinutesRecord } from '../../../../common/api/minutes';
import { formatVietnamTime } from '../signing/SignaturePanel';

function Block({ block }: { block: MinutesBlock }) {
  const runs = block.runs.map((r, i) => (
    <Text key={i} span fw={r.bold ? 700 : undefined} fs={r.italic ? 'italic' : undefined} td={r.underline ? 'underline' : undefined} style={{ whiteSpace: 'pre-wrap' }}>
      {r.text}
    </Text>
  ));
  if (block.kind === 'heading') return <Text fw={700}>{runs}</Text>;
  if (block.kind === 'item') return <Text pl={16 + 16 * block.level}>{block.marker && `${block.marker} `}{runs}</Text>;
  return <Text>{runs}</Text>;
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Stack gap={4}>
      <Title order={3} size="h5">
        {title}
      </Title>
      {children}
    </Stack>
  );
}

export function MinutesPreview({ record }: { record: MinutesRecord }) {
  const { t, i18n } = useTranslation();
  const time = (iso: string | null) => (iso ? formatVietnamTime(iso, i18n.language) : '…');
  const m = record.meeting;
  const empty = <Text size="sm" c="dimmed">{t('minutes.preview.none')}</Text>;
  return (
    <Stack gap="md" data-testid="minutes-preview">
      <Stack gap={2} align="center">
        <Title order={2} size="h4">
          {t('minutes.preview.heading')}
        </Title>
        <Text fs="italic">{m.title}</Text>
      </Stack>
      <Text size="sm">{t('minutes.preview.when', { from: time(m.startsAt), to: time(m.endsAt) })}</Text>
      <Text size="sm">{t('minutes.preview.place', { place: m.place })}</Text>
      <Text size="sm">{t('minutes.preview.people', { chair: m.chairName, secretary: m.secretaryName })}</Text>
      <Section title={t('minutes.preview.agenda')}>
        {record.agenda.length ? <List type="ordered" size="sm">{record.agenda.map((a) => <List.Item key={a.position}>{a.title}</List.Item>)}</List> : empty}
      </Section>
      <Section title={t('minutes.preview.attendance')}>
        {record.attendance.points.map((p) => (
          <Text size="sm" key={p.bridgePointId}>
            {t('minutes.preview.point', { name: p.name, present: p.rollCall?.presentCount ?? '—', headcount: p.headcount })}
          </Text>
        ))}
        {record.attendance.delegates.map((d) => (
          <Text size="sm" key={d.accountId}>
            {d.displayName}: {d.present || d.firstJoinedAt ? t('minutes.preview.present') : t('minutes.preview.absent')}
          </Text>
        ))}
        <Text size="sm">{t('minutes.preview.quorum', { present: record.attendance.quorum.present, total: record.attendance.quorum.total })}</Text>
      </Section>
      <Section title={t('minutes.preview.speakers')}>
        {record.speakers.length ? (
          <Table>
            <Table.Tbody>
              {record.speakers.map((s, i) => (
                <Table.Tr key={i}>
                  <Table.Td>{time(s.startedAt)}</Table.Td>
                  <Table.Td>{s.displayName}</Table.Td>
                  <Table.Td>{s.pointName}</Table.Td>
                  <Table.Td>{s.topic}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        ) : (
          empty
        )}
      </Section>
      <Section title={t('minutes.preview.votes')}>
        {record.votes.length
          ? record.votes.map((v, i) => (
              <Text size="sm" key={i}>
                {i + 1}. {v.question} — {v.options.map((o) => `${o.label}: ${o.count}`).join(', ')} — {v.passed ? t('minutes.preview.passed') : t('minutes.preview.notPassed')}
              </Text>
            ))
          : empty}
      </Section>
      <Section title={t('minutes.preview.conclusions')}>{record.conclusions.length ? record.conclusions.map((b, i) => <Block key={i} block={b} />) : empty}</Section>
    </Stack>
  );
}
