/**
 * "Điểm danh": the quorum and its rule; every invited bridge point (connected or not, roll call:
 * present out of headcount); every invited delegate (connected, or marked present at a point by
 * the secretary); the others who joined.
 */
import { Badge, Button, Checkbox, Group, NumberInput, Select, Stack, Switch, Table, Text, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AttendanceState, PointAttendance, MeetingQuorumRule } from '../../../../common/protocol';
import type { ConferenceEngine } from '../conference/conference-engine';
import type { RoomFeatureProps } from '../conference/room-panels';
import { act } from '../floor/floor-actions';
import { formatDuration } from '../floor/floor-store';
import { useAttendance } from './attendance-store';

export function AttendancePanel({ engine }: RoomFeatureProps) {
  const { t } = useTranslation();
  const { state, allowed } = useAttendance(engine);
  if (!allowed) return <Text c="dimmed">{t('attendance.notAllowed')}</Text>;
  if (!state) return <Text c="dimmed">{t('attendance.loading')}</Text>;
  const q = state.quorum;
  const pointsOnline = state.points.filter((p) => p.online).length;
  return (
    <Stack gap="md" data-testid="attendance-panel">
      <Stack gap={4}>
        <Group justify="space-between">
          <Title order={3} size="h6">
            {t('attendance.quorum')}
          </Title>
          <Badge color={q.met ? 'green' : 'red'} data-testid="attendance-quorum">
            {t(q.met ? 'attendance.quorumMet' : 'attendance.quorumNotMet', { present: q.present, total: q.total, required: q.required })}
          </Badge>
        </Group>
        <Text size="sm" c="dimmed">
          {t(`attendance.basis.${q.basis}`)} · {t('attendance.ruleText', { n: q.rule.numerator, d: q.rule.denominator, context: q.rule.strict ? 'strict' : 'atLeast' })}
        </Text>
        <RuleEditor engine={engine} rule={q.rule} />
      </Stack>
      <Stack gap={4}>
        <Title order={3} size="h6">
          {t('attendance.points', { online: pointsOnline, total: state.points.length })}
        </Title>
        {state.points.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('attendance.noPoints')}
          </Text>
        ) : (
          <Table striped withRowBorders={false} verticalSpacing={4} aria-label={t('attendance.pointsTable')}>
            <Table.Tbody>
              {state.points.map((p) => (
                <PointRow key={p.bridgePointId} engine={engine} point={p} />
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
      <Stack gap={4}>
        <Title order={3} size="h6">
          {t('attendance.delegates', { present: state.delegates.filter((d) => d.present).length, total: state.delegates.length })}
        </Title>
        {state.delegates.length === 0 && (
          <Text size="sm" c="dimmed">
            {t('attendance.noDelegates')}
          </Text>
        )}
        {state.delegates.map((d) => (
          <DelegateRow key={d.accountId} engine={engine} delegate={d} points={state.points} />
        ))}
      </Stack>
      {state.others.length > 0 && (
        <Stack gap={4}>
          <Title order={3} size="h6">
            {t('attendance.others')}
          </Title>
          {state.others.map((o) => (
            <Group key={o.accountId} justify="space-between" wrap="nowrap">
              <Text size="sm" truncate>
                {o.displayName} <Text span c="dimmed" size="xs">({t(`roles.${o.role}`, { defaultValue: o.role })})</Text>
              </Text>
              <Presence online={o.online} seconds={o.totalSeconds} />
            </Group>
          ))}
        </Stack>
      )}
    </Stack>
  );
}

function Presence({ online, seconds }: { online: boolean; seconds: number }) {
  const { t } = useTranslation();
  return (
    <Group gap={4} wrap="nowrap">
      <Badge size="sm" variant="dot" color={online ? 'green' : 'gray'}>
        {online ? t('attendance.online') : t('attendance.offline')}
      </Badge>
      {seconds > 0 && (
        <Text size="xs" c="dimmed">
          {formatDuration(seconds)}
        </Text>
      )}
    </Group>
  );
}

function PointRow({ engine, point }: { engine: ConferenceEngine; point: PointAttendance }) {
  const { t } = useTranslation();
  const [count, setCount] = useState<number | string>(point.rollCall?.presentCount ?? '');
  useEffect(() => setCount(point.rollCall?.presentCount ?? ''), [point.rollCall?.presentCount]);
  return (
    <Table.Tr data-testid="attendance-point" data-online={point.online}>
      <Table.Td>
        <Text size="sm" fw={600}>
          {point.name}
        </Text>
        <Text size="xs" c="dimmed">
          {point.unitName}
        </Text>
        <Presence online={point.online} seconds={point.totalSeconds} />
      </Table.Td>
      <Table.Td>
        <Group gap={4} wrap="nowrap">
          <NumberInput
            size="xs"
            w={64}
            min={0}
            max={100000}
            value={count}
            onChange={setCount}
            aria-label={t('attendance.rollCallOf', { name: point.name })}
          />
          <Text size="xs" c="dimmed">
            / {point.headcount}
          </Text>
          <Button
            size="compact-xs"
            variant="light"
            disabled={count === ''}
            onClick={() => void act(engine, 'attendance.rollCall', { bridgePointId: point.bridgePointId, presentCount: Number(count) })}
          >
            {t('attendance.save')}
          </Button>
        </Group>
      </Table.Td>
    </Table.Tr>
  );
}

function DelegateRow({ engine, delegate, points }: { engine: ConferenceEngine; delegate: AttendanceState['delegates'][number]; points: PointAttendance[] }) {
  const { t } = useTranslation();
  const pointName = points.find((p) => p.bridgePointId === delegate.markedAtPointId)?.name;
  return (
    <Stack gap={2} data-testid="attendance-delegate" data-present={delegate.present}>
      <Group justify="space-between" wrap="nowrap">
        <Text size="sm" truncate>
          {delegate.displayName}
        </Text>
        <Presence online={delegate.online} seconds={delegate.totalSeconds} />
      </Group>
      {!delegate.online && (
        <Group gap="xs" wrap="nowrap">
          <Checkbox
            size="xs"
            label={pointName ? t('attendance.markedAt', { name: pointName }) : t('attendance.markPresent')}
            checked={delegate.present}
            onChange={(e) => void act(engine, 'attendance.mark', { accountId: delegate.accountId, present: e.currentTarget.checked, bridgePointId: null })}
          />
          {points.length > 0 && (
            <Select
              size="xs"
              w={170}
              placeholder={t('attendance.atPoint')}
              aria-label={t('attendance.atPointOf', { name: delegate.displayName })}
              data={points.map((p) => ({ value: p.bridgePointId, label: p.name }))}
              value={delegate.markedAtPointId}
              onChange={(v) => v && void act(engine, 'attendance.mark', { accountId: delegate.accountId, present: true, bridgePointId: v })}
            />
          )}
        </Group>
      )}
    </Stack>
  );
}

const PRESETS: Record<string, MeetingQuorumRule> = {
  half: { basis: 'auto', numerator: 1, denominator: 2, strict: true },
  twoThirds: { basis: 'auto', numerator: 2, denominator: 3, strict: false },
  threeQuarters: { basis: 'auto', numerator: 3, denominator: 4, strict: false },
};

function RuleEditor({ engine, rule }: { engine: ConferenceEngine; rule: MeetingQuorumRule }) {
  const { t } = useTranslation();
  const current = Object.entries(PRESETS).find(([, r]) => r.numerator === rule.numerator && r.denominator === rule.denominator && r.strict === rule.strict)?.[0] ?? null;
  return (
    <Group gap="xs" align="flex-end" wrap="nowrap">
      <Select
        size="xs"
        label={t('attendance.rule')}
        data={Object.keys(PRESETS).map((k) => ({ value: k, label: t(`attendance.presets.${k}`) }))}
        value={current}
        placeholder={t('attendance.ruleText', { n: rule.numerator, d: rule.denominator, context: rule.strict ? 'strict' : 'atLeast' })}
        onChange={(v) => v && void act(engine, 'attendance.quorum', { rule: { ...PRESETS[v]!, basis: rule.basis } })}
      />
      <Switch
        size="xs"
        label={t('attendance.byPoints')}
        checked={rule.basis === 'points'}
        onChange={(e) => void act(engine, 'attendance.quorum', { rule: { ...rule, basis: e.currentTarget.checked ? 'points' : 'auto' } })}
      />
    </Group>
  );
}
