/** Administration (role admin only): units with their bridge points, accounts, trusted signature authorities. */
import { Container, Tabs, Title } from '@mantine/core';
import { IconBuildingCommunity, IconCertificate, IconUsers } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { navigate, type AdminSection } from '../../shared/router';
import { AccountsAdmin } from './AccountsAdmin';
import { TrustAnchorsAdmin } from '../signing/TrustAnchorsAdmin';
import { UnitsAdmin } from './UnitsAdmin';

export function AdminPage({ section }: { section: AdminSection }) {
  const { t } = useTranslation();
  return (
    <Container size="xl" py="lg">
      <Title order={1} size="h2" mb="md">
        {t('admin.title')}
      </Title>
      <Tabs value={section} onChange={(v) => v && navigate({ name: 'admin', section: v as AdminSection })} keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="units" leftSection={<IconBuildingCommunity size={18} />}>
            {t('admin.unitsTab')}
          </Tabs.Tab>
          <Tabs.Tab value="accounts" leftSection={<IconUsers size={18} />}>
            {t('admin.accountsTab')}
          </Tabs.Tab>
          <Tabs.Tab value="signing" leftSection={<IconCertificate size={18} />}>
            {t('signing.admin.tab')}
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="units">
          <UnitsAdmin />
        </Tabs.Panel>
        <Tabs.Panel value="accounts">
          <AccountsAdmin />
        </Tabs.Panel>
        <Tabs.Panel value="signing">
          <TrustAnchorsAdmin />
        </Tabs.Panel>
      </Tabs>
    </Container>
  );
}
