/**
 * Who is invited: bridge points picked by unit (a tree with checkboxes, tỉnh → huyện → xã and
 * sở/ban), limited by level, or one by one; and delegates picked by person. Saved with
 * PUT /api/meetings/:id/invitations.
 */
import {
  ActionIcon,
  Alert,
  Badge,
  Box,
  Button,
  Checkbox,
  Chip,
  Group,
  Modal,
  ScrollArea,
  Stack,
  Tabs,
  Text,
  TextInput,
} from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { IconChevronDown, IconChevronRight, IconSearch } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { UNIT_LEVELS, type Account, type BridgePoint, type Meeting, type Unit, type UnitLevel } from '../../../../common/api/model';
import { buildUnitTree, indexTree, sortAccounts, subtree, type UnitNode } from '../../shared/directory';
import { api } from '../../net/api-client';
import { useFormSubmit } from '../../shared/use-form-submit';

interface Props {
  meeting: Meeting;
  opened: boolean;
  onClose: () => void;
  onSaved: (m: Meeting) => void;
  units: Unit[];
  points: BridgePoint[];
  /** Everyone who may be invited, or null when this user may not list accounts. */
  accounts: Account[] | null;
}

export function InvitationsEditor(props: Props) {
  const { t } = useTranslation();
  const small = useMediaQuery('(max-width: 48em)');
  return (
    <Modal closeButtonProps={{ 'aria-label': t('common.close') }} opened={props.opened} onClose={props.onClose} title={t('invitations.editTitle')} size="xl" fullScreen={small === true}>
      {props.opened && <InvitationsForm {...props} />}
    </Modal>
  );
}

interface Selection {
  units: ReadonlySet<string>;
  levels: readonly UnitLevel[];
  points: ReadonlySet<string>;
}

function InvitationsForm({ meeting, onClose, onSaved, units, points, accounts }: Props) {
  const { t } = useTranslation();
  const tree = useMemo(() => buildUnitTree(units, points), [units, points]);
  const nodes = useMemo(() => indexTree(tree), [tree]);
  const [selection, setSelection] = useState<Selection>(() => ({ units: new Set(), levels: [], points: new Set(meeting.invitedPointIds) }));
  const [delegates, setDelegates] = useState<ReadonlySet<string>>(() => new Set(meeting.delegateIds));
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(() => new Set(tree.map((n) => n.unit.id)));

  /** Units chosen whole, with their ancestors' choice applied to their sub-units. */
  const coveredUnits = useMemo(() => {
    const covered = new Set<string>();
    for (const id of selection.units) {
      const node = nodes.get(id);
      if (node) for (const n of subtree(node)) covered.add(n.unit.id);
    }
    return covered;
  }, [selection.units, nodes]);

  const levelOk = (level: UnitLevel) => selection.levels.length === 0 || selection.levels.includes(level);

  /** Every bridge point the saved invitation will reach. */
  const effective = useMemo(() => {
    const set = new Set(selection.points);
    for (const id of coveredUnits) {
      const node = nodes.get(id);
      if (node && levelOk(node.unit.level)) for (const p of node.points) set.add(p.id);
    }
    return set;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [selection, coveredUnits, nodes]);

  const toggleUnit = (node: UnitNode, on: boolean) =>
    setSelection((s) => {
      const next = new Set(s.units);
      const pts = new Set(s.points);
      const below = subtree(node);
      for (const n of below) next.delete(n.unit.id);
      if (on) next.add(node.unit.id);
      // Unticking a unit also unticks its points chosen one by one, so it empties as expected.
      else for (const n of below) for (const p of n.points) pts.delete(p.id);
      return { ...s, units: next, points: pts };
    });

  const togglePoint = (id: string, on: boolean) =>
    setSelection((s) => {
      const pts = new Set(s.points);
      if (on) pts.add(id);
      else pts.delete(id);
      return { ...s, points: pts };
    });

  const toggleLevel = (levels: string[]) => setSelection((s) => ({ ...s, levels: levels as UnitLevel[] }));

  const { busy, error, run: save } = useFormSubmit(async () => {
    const saved = await api.setInvitations(meeting.id, {
      pointIds: [...selection.points],
      unitIds: [...selection.units],
      ...(selection.levels.length > 0 && selection.units.size > 0 ? { levels: [...selection.levels] } : {}),
      delegateIds: [...delegates],
    });
    onSaved(saved);
  });

  return (
    <Stack gap="sm">
      <Text size="sm" role="status" data-testid="invitation-summary">
        {t('invitations.summary', { points: effective.size, delegates: delegates.size })}
      </Text>
      <Tabs defaultValue="points" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="points">{t('invitations.pointsTab', { count: effective.size })}</Tabs.Tab>
          <Tabs.Tab value="delegates">{t('invitations.delegatesTab', { count: delegates.size })}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="points" pt="sm">
          <Stack gap="sm">
            <Box role="group" aria-labelledby="invite-levels-label">
              <Text size="sm" fw={500} id="invite-levels-label" mb={4}>
                {t('invitations.levels')}
              </Text>
              <Chip.Group multiple value={[...selection.levels]} onChange={toggleLevel}>
                <Group gap="xs">
                  {UNIT_LEVELS.map((level) => (
                    <Chip key={level} value={level} size="sm">
                      {t(`unitLevels.${level}`)}
                    </Chip>
                  ))}
                </Group>
              </Chip.Group>
              <Text size="xs" c="dimmed" mt={4}>
                {t('invitations.levelsHint')}
              </Text>
            </Box>
            {tree.length === 0 ? (
              <Text c="dimmed" size="sm">
                {t('invitations.noUnits')}
              </Text>
            ) : (
              <ScrollArea.Autosize mah="50vh" type="auto" offsetScrollbars>
                <Box component="ul" aria-label={t('invitations.unitTree')} style={{ listStyle: 'none', padding: 0, margin: 0 }}>
                  {tree.map((node) => (
                    <UnitBranch
                      key={node.unit.id}
                      node={node}
                      depth={0}
                      selection={selection}
                      covered={coveredUnits}
                      effective={effective}
                      levelOk={levelOk}
                      expanded={expanded}
                      setExpanded={setExpanded}
                      toggleUnit={toggleUnit}
                      togglePoint={togglePoint}
                    />
                  ))}
                </Box>
              </ScrollArea.Autosize>
            )}
          </Stack>
        </Tabs.Panel>
        <Tabs.Panel value="delegates" pt="sm">
          {accounts ? (
            <DelegatePicker accounts={accounts} selected={delegates} onChange={setDelegates} />
          ) : (
            <Alert color="gray">{t('invitations.cannotListPeople', { count: delegates.size })}</Alert>
          )}
        </Tabs.Panel>
      </Tabs>
      {error && (
        <Alert color="red" role="alert">
          {error}
        </Alert>
      )}
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose}>
          {t('common.cancel')}
        </Button>
        <Button loading={busy} onClick={() => void save()}>
          {t('invitations.save')}
        </Button>
      </Group>
    </Stack>
  );
}

interface BranchProps {
  node: UnitNode;
  depth: number;
  selection: Selection;
  covered: ReadonlySet<string>;
  effective: ReadonlySet<string>;
  levelOk: (level: UnitLevel) => boolean;
  expanded: ReadonlySet<string>;
  setExpanded: (update: (s: ReadonlySet<string>) => ReadonlySet<string>) => void;
  toggleUnit: (node: UnitNode, on: boolean) => void;
  togglePoint: (id: string, on: boolean) => void;
}

function UnitBranch(props: BranchProps) {
  const { node, depth, selection, covered, effective, levelOk, expanded, setExpanded, toggleUnit, togglePoint } = props;
  const { t } = useTranslation();
  const all = useMemo(() => subtree(node).flatMap((n) => n.points), [node]);
  const chosen = all.filter((p) => effective.has(p.id)).length;
  const own = selection.units.has(node.unit.id);
  const byAncestor = covered.has(node.unit.id) && !own;
  // Every point below is chosen (whole unit, or one by one): shown ticked; unticking empties it.
  const full = own || byAncestor || (all.length > 0 && chosen === all.length);
  const open = expanded.has(node.unit.id);
  const hasChildren = node.children.length > 0 || node.points.length > 0;
  const unitCovers = covered.has(node.unit.id) && levelOk(node.unit.level);

  return (
    <Box component="li" data-testid="unit-node">
      <Group gap={6} wrap="nowrap" py={4} pl={depth * 24}>
        {hasChildren ? (
          <ActionIcon
            variant="subtle"
            color="gray"
            size="sm"
            aria-label={open ? t('invitations.collapse', { name: node.unit.name }) : t('invitations.expand', { name: node.unit.name })}
            aria-expanded={open}
            onClick={() =>
              setExpanded((s) => {
                const next = new Set(s);
                if (open) next.delete(node.unit.id);
                else next.add(node.unit.id);
                return next;
              })
            }
          >
            {open ? <IconChevronDown size={16} /> : <IconChevronRight size={16} />}
          </ActionIcon>
        ) : (
          <Box w={22} />
        )}
        <Checkbox
          label={
            <Group gap={6} wrap="nowrap" component="span">
              <Text span fw={600} size="sm">
                {node.unit.name}
              </Text>
              <Badge size="xs" variant="light" color="gray" component="span">
                {t(`unitLevels.${node.unit.level}`)}
              </Badge>
            </Group>
          }
          checked={full}
          indeterminate={!full && chosen > 0}
          disabled={byAncestor || all.length === 0}
          onChange={() => toggleUnit(node, !full)}
        />
        <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
          {t('invitations.chosenOf', { chosen, total: all.length })}
        </Text>
      </Group>
      {open && hasChildren && (
        <Box component="ul" aria-label={node.unit.name} style={{ listStyle: 'none', padding: 0, margin: 0 }}>
          {node.points.map((p) => {
            const viaUnit = unitCovers;
            return (
              <Box component="li" key={p.id} pl={(depth + 1) * 24 + 28} py={3}>
                <Checkbox
                  size="sm"
                  label={
                    <Text span size="sm">
                      {p.name}{' '}
                      <Text span c="dimmed" size="xs">
                        {t('invitations.headcount', { count: p.headcount })}
                        {viaUnit ? ` · ${t('invitations.viaUnit')}` : ''}
                      </Text>
                    </Text>
                  }
                  checked={effective.has(p.id)}
                  disabled={viaUnit}
                  onChange={(e) => togglePoint(p.id, e.currentTarget.checked)}
                  data-testid="point-checkbox"
                />
              </Box>
            );
          })}
          {node.children.map((child) => (
            <UnitBranch key={child.unit.id} {...props} node={child} depth={depth + 1} />
          ))}
        </Box>
      )}
    </Box>
  );
}

function DelegatePicker({ accounts, selected, onChange }: { accounts: Account[]; selected: ReadonlySet<string>; onChange: (s: ReadonlySet<string>) => void }) {
  const { t } = useTranslation();
  const [query, setQuery] = useState('');
  const [onlyChosen, setOnlyChosen] = useState(false);
  const people = useMemo(() => sortAccounts(accounts.filter((a) => !a.disabled || selected.has(a.id))), [accounts, selected]);
  const q = query.trim().toLocaleLowerCase('vi');
  const shown = people.filter(
    (a) =>
      (!onlyChosen || selected.has(a.id)) &&
      (!q || a.displayName.toLocaleLowerCase('vi').includes(q) || a.title.toLocaleLowerCase('vi').includes(q) || a.username.includes(q)),
  );
  const set = (id: string, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(id);
    else next.delete(id);
    onChange(next);
  };

  return (
    <Stack gap="sm">
      <Group gap="sm" align="flex-end">
        <TextInput
          style={{ flex: 1 }}
          label={t('invitations.searchPeople')}
          leftSection={<IconSearch size={16} />}
          value={query}
          onChange={(e) => setQuery(e.currentTarget.value)}
        />
        <Checkbox label={t('invitations.onlyChosen')} checked={onlyChosen} onChange={(e) => setOnlyChosen(e.currentTarget.checked)} mb={8} />
      </Group>
      <ScrollArea.Autosize mah="50vh" type="auto" offsetScrollbars>
        {shown.length === 0 ? (
          <Text c="dimmed" size="sm">
            {t('common.nothingFound')}
          </Text>
        ) : (
          <Stack gap={6} component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }} aria-label={t('invitations.people')}>
            {shown.map((a) => (
              <Box component="li" key={a.id}>
                <Checkbox
                  checked={selected.has(a.id)}
                  onChange={(e) => set(a.id, e.currentTarget.checked)}
                  label={
                    <Text span size="sm">
                      <Text span fw={600} size="sm">
                        {a.displayName}
                      </Text>
                      {a.title ? ` — ${a.title}` : ''}{' '}
                      <Text span c="dimmed" size="xs">
                        ({t(`roles.${a.role}`)})
                      </Text>
                    </Text>
                  }
                  data-testid="delegate-checkbox"
                />
              </Box>
            ))}
          </Stack>
        )}
      </ScrollArea.Autosize>
    </Stack>
  );
}
