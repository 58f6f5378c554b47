/**
 * Accounts: username, name, title, role, unit, the bridge point of operators; create, edit,
 * disable or enable, and reset the password.
 */
import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Group,
  Loader,
  Menu,
  Modal,
  PasswordInput,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  VisuallyHidden,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconDots, IconEdit, IconKey, IconLock, IconLockOpen, IconPlus, IconSearch } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ROLES, type Account, type BridgePoint, type Role, type Unit } from '../../../../common/api/model';
import { buildUnitTree, byId, unitOptions, unitPath } from '../../shared/directory';
import { apiErrorMessage } from '../../shared/errors';
import { useAsync } from '../../shared/use-async';
import { api } from '../../net/api-client';
import { updateAccount, useAccount } from '../auth/session';
import { FormFooter } from '../../shared/FormFooter';
import { invalid, useFormSubmit } from '../../shared/use-form-submit';
import { ConfirmModal, type ConfirmRequest } from './ConfirmModal';

type Dialog = { kind: 'create' } | { kind: 'edit'; account: Account } | { kind: 'password'; account: Account };

const MIN_PASSWORD = 10;

export function AccountsAdmin() {
  const { t } = useTranslation();
  const me = useAccount();
  const accounts = useAsync(() => api.accounts(), []);
  const units = useAsync(() => api.units(), []);
  const points = useAsync(() => api.bridgePoints(), []);
  const unitMap = useMemo(() => byId(units.data), [units.data]);
  const pointMap = useMemo(() => byId(points.data), [points.data]);
  const [query, setQuery] = useState('');
  const [role, setRole] = useState<string | null>(null);
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const [confirm, setConfirm] = useState<ConfirmRequest | null>(null);

  const error = accounts.error ?? units.error ?? points.error;
  if (error)
    return (
      <Alert color="red" role="alert" title={t('common.loadFailed')}>
        <Stack gap="xs" align="flex-start">
          <Text size="sm">{apiErrorMessage(error)}</Text>
          <Button size="xs" variant="light" onClick={() => void Promise.all([accounts.reload(), units.reload(), points.reload()])}>
            {t('common.retry')}
          </Button>
        </Stack>
      </Alert>
    );
  if (!accounts.data || !units.data || !points.data)
    return (
      <Group justify="center" py="xl">
        <Loader aria-label={t('common.loading')} />
      </Group>
    );

  const q = query.trim().toLocaleLowerCase('vi');
  const shown = [...accounts.data]
    .filter((a) => !role || a.role === role)
    .filter((a) => !q || [a.username, a.displayName, a.title].some((s) => s.toLocaleLowerCase('vi').includes(q)))
    .sort((a, b) => a.displayName.localeCompare(b.displayName, 'vi'));

  const setDisabled = (account: Account, disabled: boolean) =>
    setConfirm({
      title: disabled ? t('admin.accounts.disableTitle') : t('admin.accounts.enableTitle'),
      text: disabled ? t('admin.accounts.disableText', { name: account.displayName }) : t('admin.accounts.enableText', { name: account.displayName }),
      confirmLabel: disabled ? t('admin.accounts.disable') : t('admin.accounts.enable'),
      color: disabled ? 'red' : 'green',
      run: async () => {
        const saved = await api.updateAccount(account.id, { disabled });
        notifications.show({ message: disabled ? t('admin.accounts.disabledDone', { name: saved.displayName }) : t('admin.accounts.enabledDone', { name: saved.displayName }), color: 'green' });
        await accounts.reload();
      },
      describeError: apiErrorMessage,
    });

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <Group gap="sm" align="flex-end" wrap="wrap">
          <TextInput label={t('admin.accounts.search')} leftSection={<IconSearch size={16} />} value={query} onChange={(e) => setQuery(e.currentTarget.value)} w={260} />
          <Select
            label={t('admin.accounts.role')}
            placeholder={t('admin.accounts.allRoles')}
            data={ROLES.map((r) => ({ value: r, label: t(`roles.${r}`) }))}
            value={role}
            onChange={setRole}
            clearable
            w={220}
          />
        </Group>
        <Button leftSection={<IconPlus size={18} />} onClick={() => setDialog({ kind: 'create' })}>
          {t('admin.accounts.add')}
        </Button>
      </Group>
      <Text size="sm" c="dimmed" role="status">
        {t('admin.accounts.count', { shown: shown.length, total: accounts.data.length })}
      </Text>
      <Table.ScrollContainer minWidth={900}>
        <Table striped highlightOnHover verticalSpacing="xs" data-testid="accounts-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('admin.accounts.username')}</Table.Th>
              <Table.Th>{t('admin.accounts.displayName')}</Table.Th>
              <Table.Th>{t('admin.accounts.role')}</Table.Th>
              <Table.Th>{t('admin.accounts.unit')}</Table.Th>
              <Table.Th>{t('admin.accounts.bridgePoint')}</Table.Th>
              <Table.Th>{t('admin.accounts.status')}</Table.Th>
              <Table.Th w={60}>
                <VisuallyHidden>{t('common.actions')}</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {shown.map((a) => (
              <Table.Tr key={a.id} data-testid="account-row" style={a.disabled ? { opacity: 0.6 } : undefined}>
                <Table.Td>
                  <Text size="sm" ff="monospace">
                    {a.username}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" fw={600}>
                    {a.displayName}
                    {a.id === me.id && (
                      <Text span c="dimmed" size="xs" fw={400}>
                        {' '}
                        ({t('invitations.you')})
                      </Text>
                    )}
                  </Text>
                  {a.title && (
                    <Text size="xs" c="dimmed">
                      {a.title}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <Badge variant="light" color={a.role === 'admin' ? 'red' : a.role === 'operator' ? 'teal' : 'blue'}>
                    {t(`roles.${a.role}`)}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{a.unitId ? unitMap.get(a.unitId)?.name ?? '—' : '—'}</Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{a.bridgePointId ? pointMap.get(a.bridgePointId)?.name ?? '—' : '—'}</Text>
                </Table.Td>
                <Table.Td>
                  {a.disabled ? (
                    <Badge color="gray" variant="outline" leftSection={<IconLock size={12} />}>
                      {t('admin.accounts.disabledBadge')}
                    </Badge>
                  ) : (
                    <Badge color="green" variant="light">
                      {t('admin.accounts.activeBadge')}
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td>
                  <Menu position="bottom-end" withinPortal>
                    <Menu.Target>
                      <ActionIcon variant="subtle" color="gray" aria-label={t('admin.accounts.actionsFor', { name: a.displayName })}>
                        <IconDots size={18} />
                      </ActionIcon>
                    </Menu.Target>
                    <Menu.Dropdown>
                      <Menu.Item leftSection={<IconEdit size={16} />} onClick={() => setDialog({ kind: 'edit', account: a })}>
                        {t('common.edit')}
                      </Menu.Item>
                      <Menu.Item leftSection={<IconKey size={16} />} onClick={() => setDialog({ kind: 'password', account: a })}>
                        {t('admin.accounts.resetPassword')}
                      </Menu.Item>
                      {a.disabled ? (
                        <Menu.Item leftSection={<IconLockOpen size={16} />} color="green" onClick={() => setDisabled(a, false)}>
                          {t('admin.accounts.enable')}
                        </Menu.Item>
                      ) : (
                        <Menu.Item leftSection={<IconLock size={16} />} color="red" disabled={a.id === me.id} onClick={() => setDisabled(a, true)}>
                          {t('admin.accounts.disable')}
                        </Menu.Item>
                      )}
                    </Menu.Dropdown>
                  </Menu>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {shown.length === 0 && (
        <Text c="dimmed" size="sm" ta="center">
          {t('common.nothingFound')}
        </Text>
      )}

      <Modal closeButtonProps={{ 'aria-label': t('common.close') }}
        opened={dialog?.kind === 'create' || dialog?.kind === 'edit'}
        onClose={() => setDialog(null)}
        title={dialog?.kind === 'edit' ? t('admin.accounts.editTitle', { name: dialog.account.displayName }) : t('admin.accounts.addTitle')}
        size="lg"
      >
        {(dialog?.kind === 'create' || dialog?.kind === 'edit') && (
          <AccountForm
            account={dialog.kind === 'edit' ? dialog.account : null}
            units={units.data}
            points={points.data}
            isSelf={dialog.kind === 'edit' && dialog.account.id === me.id}
            onClose={() => setDialog(null)}
            onSaved={async (saved) => {
              setDialog(null);
              updateAccount(saved);
              notifications.show({ message: t('admin.accounts.saved', { name: saved.displayName }), color: 'green' });
              await accounts.reload();
            }}
          />
        )}
      </Modal>
      <Modal closeButtonProps={{ 'aria-label': t('common.close') }} opened={dialog?.kind === 'password'} onClose={() => setDialog(null)} title={t('admin.accounts.resetPassword')}>
        {dialog?.kind === 'password' && (
          <PasswordForm
            account={dialog.account}
            onClose={() => setDialog(null)}
            onSaved={() => {
              setDialog(null);
              notifications.show({ message: t('admin.accounts.passwordDone', { name: dialog.account.displayName }), color: 'green' });
            }}
          />
        )}
      </Modal>
      <ConfirmModal request={confirm} onClose={() => setConfirm(null)} />
    </Stack>
  );
}

function AccountForm({
  account,
  units,
  points,
  isSelf,
  onClose,
  onSaved,
}: {
  account: Account | null;
  units: Unit[];
  points: BridgePoint[];
  isSelf: boolean;
  onClose: () => void;
  onSaved: (a: Account) => Promise<void>;
}) {
  const { t } = useTranslation();
  const unitMap = useMemo(() => byId(units), [units]);
  const unitChoices = useMemo(() => unitOptions(buildUnitTree(units), unitMap), [units, unitMap]);
  const [form, setForm] = useState({
    username: account?.username ?? '',
    displayName: account?.displayName ?? '',
    title: account?.title ?? '',
    role: (account?.role ?? 'delegate') as Role,
    unitId: account?.unitId ?? null,
    bridgePointId: account?.bridgePointId ?? null,
    password: '',
    password2: '',
  });
  const isOperator = form.role === 'operator';
  const pointChoices = points
    .filter((p) => !form.unitId || p.unitId === form.unitId)
    .map((p) => ({ value: p.id, label: form.unitId ? p.name : `${p.name} · ${unitPath(p.unitId, unitMap)}` }))
    .sort((a, b) => a.label.localeCompare(b.label, 'vi'));

  const { busy, error, onSubmit } = useFormSubmit(async () => {
    if (!account && !/^[a-z0-9._-]{3,64}$/.test(form.username.trim())) invalid(t('admin.accounts.usernameInvalid'));
    if (!form.displayName.trim()) invalid(t('admin.accounts.displayNameRequired'));
    if (isOperator && !form.bridgePointId) invalid(t('admin.accounts.pointRequired'));
    if (!account && form.password.length < MIN_PASSWORD) invalid(t('admin.accounts.passwordShort', { count: MIN_PASSWORD }));
    if (!account && form.password !== form.password2) invalid(t('admin.accounts.passwordMismatch'));
    const common = {
      displayName: form.displayName.trim(),
      title: form.title.trim(),
      role: form.role,
      unitId: form.unitId,
      bridgePointId: isOperator ? form.bridgePointId : null,
    };
    const saved = account
      ? await api.updateAccount(account.id, common)
      : await api.createAccount({ ...common, username: form.username.trim(), password: form.password });
    await onSaved(saved);
  });

  return (
    <form onSubmit={onSubmit} noValidate>
      <Stack gap="sm">
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput
            label={t('admin.accounts.username')}
            description={account ? undefined : t('admin.accounts.usernameHint')}
            value={form.username}
            onChange={(e) => setForm({ ...form, username: e.currentTarget.value.toLowerCase() })}
            disabled={account !== null}
            autoCapitalize="none"
            spellCheck={false}
            maxLength={64}
            required
            data-autofocus={account ? undefined : true}
          />
          <Select
            label={t('admin.accounts.role')}
            data={ROLES.map((r) => ({ value: r, label: t(`roles.${r}`) }))}
            value={form.role}
            onChange={(v) => v && setForm({ ...form, role: v as Role })}
            allowDeselect={false}
            disabled={isSelf}
            description={isSelf ? t('admin.accounts.ownRole') : undefined}
            required
          />
          <TextInput
            label={t('admin.accounts.displayName')}
            value={form.displayName}
            onChange={(e) => setForm({ ...form, displayName: e.currentTarget.value })}
            maxLength={120}
            required
            autoComplete="off"
          />
          <TextInput
            label={t('admin.accounts.jobTitle')}
            placeholder={t('admin.accounts.jobTitlePlaceholder')}
            value={form.title}
            onChange={(e) => setForm({ ...form, title: e.currentTarget.value })}
            maxLength={120}
          />
        </SimpleGrid>
        <Select
          label={t('admin.accounts.unit')}
          placeholder={t('admin.accounts.noUnit')}
          data={unitChoices}
          value={form.unitId}
          onChange={(v) => setForm({ ...form, unitId: v, bridgePointId: points.find((p) => p.id === form.bridgePointId)?.unitId === v ? form.bridgePointId : null })}
          searchable
          clearable
          nothingFoundMessage={t('common.nothingFound')}
        />
        {isOperator && (
          <Select
            label={t('admin.accounts.bridgePoint')}
            description={t('admin.accounts.bridgePointHint')}
            data={pointChoices}
            value={form.bridgePointId}
            onChange={(v) => setForm({ ...form, bridgePointId: v })}
            searchable
            required
            nothingFoundMessage={t('admin.accounts.noPointsInUnit')}
          />
        )}
        {!account && (
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <PasswordInput
              label={t('admin.accounts.password')}
              description={t('admin.accounts.passwordHint', { count: MIN_PASSWORD })}
              value={form.password}
              onChange={(e) => setForm({ ...form, password: e.currentTarget.value })}
              autoComplete="new-password"
              maxLength={256}
              required
              visibilityToggleButtonProps={{ 'aria-label': t('login.showPassword') }}
            />
            <PasswordInput
              label={t('admin.accounts.password2')}
              value={form.password2}
              onChange={(e) => setForm({ ...form, password2: e.currentTarget.value })}
              autoComplete="new-password"
              maxLength={256}
              required
              visibilityToggleButtonProps={{ 'aria-label': t('login.showPassword') }}
            />
          </SimpleGrid>
        )}
        <FormFooter error={error} busy={busy} onCancel={onClose} submitLabel={account ? t('common.save') : t('admin.accounts.create')} />
      </Stack>
    </form>
  );
}

function PasswordForm({ account, onClose, onSaved }: { account: Account; onClose: () => void; onSaved: () => void }) {
  const { t } = useTranslation();
  const [password, setPassword] = useState('');
  const [password2, setPassword2] = useState('');
  const { busy, error, onSubmit } = useFormSubmit(async () => {
    if (password.length < MIN_PASSWORD) invalid(t('admin.accounts.passwordShort', { count: MIN_PASSWORD }));
    if (password !== password2) invalid(t('admin.accounts.passwordMismatch'));
    await api.updateAccount(account.id, { password });
    onSaved();
  });
  return (
    <form onSubmit={onSubmit} noValidate>
      <Stack gap="sm">
        <Text size="sm">{t('admin.accounts.resetPasswordText', { name: account.displayName, username: account.username })}</Text>
        <PasswordInput
          label={t('admin.accounts.newPassword')}
          description={t('admin.accounts.passwordHint', { count: MIN_PASSWORD })}
          value={password}
          onChange={(e) => setPassword(e.currentTarget.value)}
          autoComplete="new-password"
          maxLength={256}
          required
          data-autofocus
          visibilityToggleButtonProps={{ 'aria-label': t('login.showPassword') }}
        />
        <PasswordInput
          label={t('admin.accounts.password2')}
          value={password2}
          onChange={(e) => setPassword2(e.currentTarget.value)}
          autoComplete="new-password"
          maxLength={256}
          required
          visibilityToggleButtonProps={{ 'aria-label': t('login.showPassword') }}
        />
        <FormFooter error={error} busy={busy} onCancel={onClose} submitLabel={t('admin.accounts.resetPassword')} />
      </Stack>
    </form>
  );
}
