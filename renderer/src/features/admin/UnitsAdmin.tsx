/**
 * Units as a hierarchy (tỉnh → huyện → xã, and sở/ban) with add, rename and delete, and the
 * bridge points of the selected unit (room name, usual headcount).
 */
import {
  ActionIcon,
  Alert,
  Badge,
  Box,
  Button,
  Card,
  Grid,
  Group,
  Loader,
  Modal,
  NumberInput,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  Tooltip,
  UnstyledButton,
  VisuallyHidden,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconChevronDown, IconChevronRight, IconEdit, IconPlus, IconTrash } from '@tabler/icons-react';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BridgePoint, Unit, UnitLevel } from '../../../../common/api/model';
import { buildUnitTree, byId, childLevels, indexTree, unitPath, type UnitNode } from '../../shared/directory';
import { apiErrorMessage } from '../../shared/errors';
import { useAsync } from '../../shared/use-async';
import { api, ApiRequestError } from '../../net/api-client';
import { FormFooter } from '../../shared/FormFooter';
import { invalid, useFormSubmit } from '../../shared/use-form-submit';
import { ConfirmModal, type ConfirmRequest } from './ConfirmModal';

type UnitDialog = { kind: 'create'; parent: Unit | null } | { kind: 'rename'; unit: Unit };
type PointDialog = { kind: 'create'; unit: Unit } | { kind: 'edit'; point: BridgePoint };

export function UnitsAdmin() {
  const { t } = useTranslation();
  const units = useAsync(() => api.units(), []);
  const points = useAsync(() => api.bridgePoints(), []);
  const tree = useMemo(() => buildUnitTree(units.data ?? [], points.data ?? []), [units.data, points.data]);
  const nodes = useMemo(() => indexTree(tree), [tree]);
  const unitMap = useMemo(() => byId(units.data), [units.data]);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [expanded, setExpanded] = useState<ReadonlySet<string> | null>(null);
  // The top-level units start open.
  useEffect(() => {
    if (expanded === null && tree.length > 0) setExpanded(new Set(tree.map((n) => n.unit.id)));
  }, [expanded, tree]);
  const [unitDialog, setUnitDialog] = useState<UnitDialog | null>(null);
  const [pointDialog, setPointDialog] = useState<PointDialog | null>(null);
  const [confirm, setConfirm] = useState<ConfirmRequest | null>(null);

  const selected = (selectedId && nodes.get(selectedId)) || tree[0] || null;
  const reloadAll = async () => {
    await Promise.all([units.reload(), points.reload()]);
  };

  if (units.error || points.error)
    return (
      <Alert color="red" role="alert" title={t('common.loadFailed')}>
        <Stack gap="xs" align="flex-start">
          <Text size="sm">{apiErrorMessage(units.error ?? points.error)}</Text>
          <Button size="xs" variant="light" onClick={() => void reloadAll()}>
            {t('common.retry')}
          </Button>
        </Stack>
      </Alert>
    );
  if (!units.data || !points.data)
    return (
      <Group justify="center" py="xl">
        <Loader aria-label={t('common.loading')} />
      </Group>
    );

  const toggle = (id: string) =>
    setExpanded((s) => {
      const next = new Set(s ?? []);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  const askDeleteUnit = (unit: Unit) =>
    setConfirm({
      title: t('admin.units.deleteTitle'),
      text: t('admin.units.deleteText', { name: unit.name }),
      confirmLabel: t('common.delete'),
      run: async () => {
        await api.deleteUnit(unit.id);
        if (selectedId === unit.id) setSelectedId(unit.parentId);
        notifications.show({ message: t('admin.units.deleted', { name: unit.name }), color: 'green' });
        await reloadAll();
      },
      describeError: (err) => (err instanceof ApiRequestError && err.code === 'conflict' ? t('admin.units.deleteConflict') : apiErrorMessage(err)),
    });

  const askDeletePoint = (point: BridgePoint) =>
    setConfirm({
      title: t('admin.points.deleteTitle'),
      text: t('admin.points.deleteText', { name: point.name }),
      confirmLabel: t('common.delete'),
      run: async () => {
        await api.deleteBridgePoint(point.id);
        notifications.show({ message: t('admin.points.deleted', { name: point.name }), color: 'green' });
        await points.reload();
      },
      describeError: (err) => (err instanceof ApiRequestError && err.code === 'conflict' ? t('admin.points.deleteConflict') : apiErrorMessage(err)),
    });

  return (
    <Grid gap="md">
      <Grid.Col span={{ base: 12, md: 5 }}>
        <Card withBorder radius="md" p="md" component="section" aria-labelledby="units-heading">
          <Group justify="space-between" mb="sm">
            <Title order={2} size="h4" id="units-heading">
              {t('admin.units.title')}
            </Title>
            <Button size="xs" variant="light" leftSection={<IconPlus size={16} />} onClick={() => setUnitDialog({ kind: 'create', parent: null })}>
              {t('admin.units.addTop')}
            </Button>
          </Group>
          {tree.length === 0 ? (
            <Text c="dimmed" size="sm">
              {t('admin.units.empty')}
            </Text>
          ) : (
            <Box component="ul" aria-label={t('admin.units.title')} style={{ listStyle: 'none', margin: 0, padding: 0 }}>
              {tree.map((n) => (
                <UnitRow key={n.unit.id} node={n} depth={0} selectedId={selected?.unit.id ?? null} expanded={expanded ?? new Set()} onToggle={toggle} onSelect={setSelectedId} />
              ))}
            </Box>
          )}
        </Card>
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 7 }}>
        {selected && (
          <Card withBorder radius="md" p="md" component="section" aria-labelledby="unit-heading" data-testid="unit-panel">
            <Stack gap="sm">
              <Group justify="space-between" align="flex-start" wrap="wrap">
                <Stack gap={2} style={{ minWidth: 0 }}>
                  <Group gap="xs">
                    <Title order={2} size="h4" id="unit-heading">
                      {selected.unit.name}
                    </Title>
                    <Badge variant="light" color="gray">
                      {t(`unitLevels.${selected.unit.level}`)}
                    </Badge>
                  </Group>
                  {selected.unit.parentId && (
                    <Text size="sm" c="dimmed">
                      {t('admin.units.under', { path: unitPath(selected.unit.parentId, unitMap) })}
                    </Text>
                  )}
                </Stack>
                <Group gap="xs">
                  <Button size="xs" variant="default" leftSection={<IconEdit size={16} />} onClick={() => setUnitDialog({ kind: 'rename', unit: selected.unit })}>
                    {t('admin.units.rename')}
                  </Button>
                  {childLevels(selected.unit.level).length > 0 && (
                    <Button size="xs" variant="default" leftSection={<IconPlus size={16} />} onClick={() => setUnitDialog({ kind: 'create', parent: selected.unit })}>
                      {t('admin.units.addChild')}
                    </Button>
                  )}
                  <Button size="xs" variant="light" color="red" leftSection={<IconTrash size={16} />} onClick={() => askDeleteUnit(selected.unit)}>
                    {t('common.delete')}
                  </Button>
                </Group>
              </Group>

              <Group justify="space-between" mt="sm">
                <Title order={3} size="h5">
                  {t('admin.points.title', { count: selected.points.length })}
                </Title>
                <Button size="xs" leftSection={<IconPlus size={16} />} onClick={() => setPointDialog({ kind: 'create', unit: selected.unit })}>
                  {t('admin.points.add')}
                </Button>
              </Group>
              {selected.points.length === 0 ? (
                <Text c="dimmed" size="sm">
                  {t('admin.points.empty')}
                </Text>
              ) : (
                <Table.ScrollContainer minWidth={420}>
                  <Table striped highlightOnHover verticalSpacing="xs" data-testid="points-table">
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th>{t('admin.points.name')}</Table.Th>
                        <Table.Th ta="right">{t('admin.points.headcount')}</Table.Th>
                        <Table.Th w={100}>
                          <VisuallyHidden>{t('common.actions')}</VisuallyHidden>
                        </Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {selected.points.map((p) => (
                        <Table.Tr key={p.id}>
                          <Table.Td>{p.name}</Table.Td>
                          <Table.Td ta="right">{p.headcount}</Table.Td>
                          <Table.Td>
                            <Group gap={4} justify="flex-end" wrap="nowrap">
                              <Tooltip label={t('common.edit')}>
                                <ActionIcon variant="subtle" aria-label={t('admin.points.editNamed', { name: p.name })} onClick={() => setPointDialog({ kind: 'edit', point: p })}>
                                  <IconEdit size={16} />
                                </ActionIcon>
                              </Tooltip>
                              <Tooltip label={t('common.delete')}>
                                <ActionIcon variant="subtle" color="red" aria-label={t('admin.points.deleteNamed', { name: p.name })} onClick={() => askDeletePoint(p)}>
                                  <IconTrash size={16} />
                                </ActionIcon>
                              </Tooltip>
                            </Group>
                          </Table.Td>
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                </Table.ScrollContainer>
              )}
              {selected.children.length > 0 && (
                <Text size="sm" c="dimmed">
                  {t('admin.units.childCount', { count: selected.children.length })}
                </Text>
              )}
            </Stack>
          </Card>
        )}
      </Grid.Col>

      <UnitModal
        dialog={unitDialog}
        onClose={() => setUnitDialog(null)}
        onSaved={async (unit) => {
          setUnitDialog(null);
          setSelectedId(unit.id);
          if (unit.parentId) setExpanded((s) => new Set([...(s ?? []), unit.parentId!]));
          notifications.show({ message: t('admin.units.saved', { name: unit.name }), color: 'green' });
          await units.reload();
        }}
      />
      <PointModal
        dialog={pointDialog}
        onClose={() => setPointDialog(null)}
        onSaved={async (point) => {
          setPointDialog(null);
          notifications.show({ message: t('admin.points.saved', { name: point.name }), color: 'green' });
          await points.reload();
        }}
      />
      <ConfirmModal request={confirm} onClose={() => setConfirm(null)} />
    </Grid>
  );
}

function UnitRow({
  node,
  depth,
  selectedId,
  expanded,
  onToggle,
  onSelect,
}: {
  node: UnitNode;
  depth: number;
  selectedId: string | null;
  expanded: ReadonlySet<string>;
  onToggle: (id: string) => void;
  onSelect: (id: string) => void;
}) {
  const { t } = useTranslation();
  const open = expanded.has(node.unit.id);
  const active = selectedId === node.unit.id;
  return (
    <Box component="li">
      <Group gap={4} wrap="nowrap" pl={depth * 20} py={2}>
        {node.children.length > 0 ? (
          <ActionIcon
            variant="subtle"
            color="gray"
            size="sm"
            aria-expanded={open}
            aria-label={open ? t('invitations.collapse', { name: node.unit.name }) : t('invitations.expand', { name: node.unit.name })}
            onClick={() => onToggle(node.unit.id)}
          >
            {open ? <IconChevronDown size={16} /> : <IconChevronRight size={16} />}
          </ActionIcon>
        ) : (
          <Box w={22} />
        )}
        <UnstyledButton
          onClick={() => onSelect(node.unit.id)}
          aria-current={active ? 'true' : undefined}
          px="xs"
          py={4}
          style={{
            flex: 1,
            minWidth: 0,
            borderRadius: 6,
            background: active ? 'var(--mantine-color-red-light)' : undefined,
          }}
          data-testid="unit-row"
        >
          <Group gap={6} wrap="nowrap" justify="space-between">
            <Text size="sm" fw={active ? 700 : 500} truncate>
              {node.unit.name}
            </Text>
            <Group gap={4} wrap="nowrap">
              <Badge size="xs" variant="light" color="gray">
                {t(`unitLevels.${node.unit.level}`)}
              </Badge>
              {node.points.length > 0 && (
                <Badge size="xs" variant="outline" color="gray" aria-label={t('admin.points.title', { count: node.points.length })}>
                  {node.points.length}
                </Badge>
              )}
            </Group>
          </Group>
        </UnstyledButton>
      </Group>
      {open && node.children.length > 0 && (
        <Box component="ul" style={{ listStyle: 'none', margin: 0, padding: 0 }}>
          {node.children.map((c) => (
            <UnitRow key={c.unit.id} node={c} depth={depth + 1} selectedId={selectedId} expanded={expanded} onToggle={onToggle} onSelect={onSelect} />
          ))}
        </Box>
      )}
    </Box>
  );
}

function UnitModal({ dialog, onClose, onSaved }: { dialog: UnitDialog | null; onClose: () => void; onSaved: (u: Unit) => Promise<void> }) {
  const { t } = useTranslation();
  const title = !dialog ? '' : dialog.kind === 'rename' ? t('admin.units.renameTitle') : dialog.parent ? t('admin.units.addChildTitle', { name: dialog.parent.name }) : t('admin.units.addTopTitle');
  return (
    <Modal closeButtonProps={{ 'aria-label': t('common.close') }} opened={dialog !== null} onClose={onClose} title={title}>
      {dialog && <UnitForm dialog={dialog} onClose={onClose} onSaved={onSaved} />}
    </Modal>
  );
}

function UnitForm({ dialog, onClose, onSaved }: { dialog: UnitDialog; onClose: () => void; onSaved: (u: Unit) => Promise<void> }) {
  const { t } = useTranslation();
  const levels = dialog.kind === 'create' ? childLevels(dialog.parent?.level ?? null) : [];
  const [name, setName] = useState(dialog.kind === 'rename' ? dialog.unit.name : '');
  const [level, setLevel] = useState<UnitLevel | null>(levels[0] ?? null);
  const { busy, error, onSubmit } = useFormSubmit(async () => {
    if (!name.trim()) invalid(t('admin.units.nameRequired'));
    const unit =
      dialog.kind === 'rename'
        ? await api.updateUnit(dialog.unit.id, { name: name.trim() })
        : await api.createUnit({ name: name.trim(), level: level ?? 'province', parentId: dialog.parent?.id ?? null });
    await onSaved(unit);
  });
  return (
    <form onSubmit={onSubmit} noValidate>
      <Stack>
        <TextInput label={t('admin.units.name')} placeholder={t('admin.units.namePlaceholder')} value={name} onChange={(e) => setName(e.currentTarget.value)} maxLength={200} required data-autofocus />
        {dialog.kind === 'create' && (
          <Select
            label={t('admin.units.level')}
            data={levels.map((l) => ({ value: l, label: t(`unitLevels.${l}`) }))}
            value={level}
            onChange={(v) => setLevel(v as UnitLevel | null)}
            allowDeselect={false}
            required
          />
        )}
        <FormFooter error={error} busy={busy} onCancel={onClose} submitLabel={t('common.save')} />
      </Stack>
    </form>
  );
}

function PointModal({ dialog, onClose, onSaved }: { dialog: PointDialog | null; onClose: () => void; onSaved: (p: BridgePoint) => Promise<void> }) {
  const { t } = useTranslation();
  const title = !dialog ? '' : dialog.kind === 'edit' ? t('admin.points.editTitle') : t('admin.points.addTitle', { name: dialog.unit.name });
  return (
    <Modal closeButtonProps={{ 'aria-label': t('common.close') }} opened={dialog !== null} onClose={onClose} title={title}>
      {dialog && <PointForm dialog={dialog} onClose={onClose} onSaved={onSaved} />}
    </Modal>
  );
}

function PointForm({ dialog, onClose, onSaved }: { dialog: PointDialog; onClose: () => void; onSaved: (p: BridgePoint) => Promise<void> }) {
  const { t } = useTranslation();
  const [name, setName] = useState(dialog.kind === 'edit' ? dialog.point.name : '');
  const [headcount, setHeadcount] = useState<number | string>(dialog.kind === 'edit' ? dialog.point.headcount : 20);
  const { busy, error, onSubmit } = useFormSubmit(async () => {
    const count = Number(headcount);
    if (!name.trim()) invalid(t('admin.points.nameRequired'));
    if (!Number.isInteger(count) || count < 1 || count > 10_000) invalid(t('admin.points.headcountInvalid'));
    const point =
      dialog.kind === 'edit'
        ? await api.updateBridgePoint(dialog.point.id, { name: name.trim(), headcount: count })
        : await api.createBridgePoint({ unitId: dialog.unit.id, name: name.trim(), headcount: count });
    await onSaved(point);
  });
  return (
    <form onSubmit={onSubmit} noValidate>
      <Stack>
        <TextInput label={t('admin.points.name')} placeholder={t('admin.points.namePlaceholder')} value={name} onChange={(e) => setName(e.currentTarget.value)} maxLength={200} required data-autofocus />
        <NumberInput
          label={t('admin.points.headcount')}
          description={t('admin.points.headcountHint')}
          value={headcount}
          onChange={setHeadcount}
          min={1}
          max={10_000}
          allowDecimal={false}
          allowNegative={false}
          required
        />
        <FormFooter error={error} busy={busy} onCancel={onClose} submitLabel={t('common.save')} />
      </Stack>
    </form>
  );
}
