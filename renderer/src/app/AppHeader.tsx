/** The header: the product, navigation, who is signed in (name and role), logout and the language. */
import { ActionIcon, Anchor, Box, Button, Group, Text, Title, Tooltip } from '@mantine/core';
import { IconCalendarEvent, IconLogout, IconSettings } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { Account } from '../../../common/api/model';
import { ThemeToggle } from '../features/appearance/ThemeToggle';
import { logout } from '../features/auth/session';
import { LanguageSwitch } from './LanguageSwitch';
import { href, navigate, type Route } from '../shared/router';

function NavButton({ to, active, icon, children }: { to: Route; active: boolean; icon: React.ReactNode; children: string }) {
  return (
    <>
      <Button
        component="a"
        href={href(to)}
        variant={active ? 'light' : 'subtle'}
        color={active ? 'red' : 'gray'}
        size="compact-md"
        leftSection={icon}
        aria-current={active ? 'page' : undefined}
        visibleFrom="sm"
      >
        {children}
      </Button>
      {/* Narrow screens: the icon alone, named for screen readers. */}
      <Tooltip label={children}>
        <ActionIcon
          component="a"
          href={href(to)}
          variant={active ? 'light' : 'subtle'}
          color={active ? 'red' : 'gray'}
          size="lg"
          aria-label={children}
          aria-current={active ? 'page' : undefined}
          hiddenFrom="sm"
        >
          {icon}
        </ActionIcon>
      </Tooltip>
    </>
  );
}

export function AppHeader({ account, route }: { account: Account | null; route: Route }) {
  const { t } = useTranslation();
  const doLogout = async () => {
    await logout();
    navigate({ name: 'login' }, { replace: true, force: true });
  };
  const inMeetings = route.name === 'meetings' || route.name === 'meeting' || route.name === 'join';

  return (
    <Group h="100%" px="md" justify="space-between" wrap="nowrap" gap="sm">
      <Group gap="md" wrap="nowrap" style={{ minWidth: 0 }}>
        <Anchor href={account ? href({ name: 'meetings' }) : undefined} underline="never" c="inherit" aria-label={t('app.home')}>
          <Group gap="xs" wrap="nowrap">
            <img src="./favicon.png" alt="" width={28} height={28} />
            <Title order={2} size="h4" style={{ whiteSpace: 'nowrap' }} visibleFrom={account ? 'xs' : undefined}>
              {t('app.title')}
            </Title>
            {!account && (
              <Text size="sm" c="dimmed" visibleFrom="md">
                {t('app.tagline')}
              </Text>
            )}
          </Group>
        </Anchor>
        {account && (
          <Group gap={4} component="nav" aria-label={t('nav.label')} wrap="nowrap">
            <NavButton to={{ name: 'meetings' }} active={inMeetings} icon={<IconCalendarEvent size={18} />}>
              {t('nav.meetings')}
            </NavButton>
            {account.role === 'admin' && (
              <NavButton to={{ name: 'admin', section: 'units' }} active={route.name === 'admin'} icon={<IconSettings size={18} />}>
                {t('nav.admin')}
              </NavButton>
            )}
          </Group>
        )}
      </Group>
      <Group gap="sm" wrap="nowrap">
        <LanguageSwitch />
        <ThemeToggle />
        {account && (
          <>
            <Box visibleFrom="sm" style={{ textAlign: 'right', lineHeight: 1.2 }} data-testid="signed-in-as">
              <Text size="sm" fw={600} data-testid="account-name">
                {account.displayName}
              </Text>
              <Text size="xs" c="dimmed" data-testid="account-role">
                {t(`roles.${account.role}`)}
              </Text>
            </Box>
            <Button variant="default" size="compact-md" leftSection={<IconLogout size={16} />} onClick={() => void doLogout()} visibleFrom="md">
              {t('header.logout')}
            </Button>
            <Tooltip label={t('header.logout')}>
              <ActionIcon variant="default" size="lg" aria-label={t('header.logout')} onClick={() => void doLogout()} hiddenFrom="md">
                <IconLogout size={18} />
              </ActionIcon>
            </Tooltip>
          </>
        )}
      </Group>
    </Group>
  );
}
