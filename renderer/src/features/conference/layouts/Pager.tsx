/** Previous / next page and "Trang 2/5", for the grid and the strip. */
import { ActionIcon, Group, Text } from '@mantine/core';
import { IconChevronLeft, IconChevronRight } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';

export function Pager({ page, pages, onPage, testId }: { page: number; pages: number; onPage: (page: number) => void; testId: string }) {
  const { t } = useTranslation();
  if (pages <= 1) return null;
  return (
    <Group gap="xs" justify="center" wrap="nowrap" data-testid={testId} role="navigation" aria-label={t('layout.pages')}>
      <ActionIcon variant="default" aria-label={t('layout.previousPage')} disabled={page <= 0} onClick={() => onPage(page - 1)}>
        <IconChevronLeft size={18} />
      </ActionIcon>
      <Text size="sm" data-testid="page-indicator" aria-live="polite" style={{ whiteSpace: 'nowrap' }}>
        {t('layout.pageOf', { page: page + 1, pages })}
      </Text>
      <ActionIcon variant="default" aria-label={t('layout.nextPage')} disabled={page >= pages - 1} onClick={() => onPage(page + 1)}>
        <IconChevronRight size={18} />
      </ActionIcon>
    </Group>
  );
}
