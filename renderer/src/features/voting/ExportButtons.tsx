/** Download a meeting's vote results as CSV (Excel) or PDF. */
import { Button, Group } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconFileSpreadsheet, IconFileTypePdf } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../shared/errors';
import { downloadResults, type ExportFormat } from './voting-api';

export function ExportButtons({ meetingId }: { meetingId: string }) {
  const { t } = useTranslation();
  const download = (format: ExportFormat) => () => downloadResults(meetingId, format).catch((err: unknown) => notifications.show({ color: 'red', message: errorMessage(err) }));
  return (
    <Group gap="xs">
      <Button size="xs" variant="light" leftSection={<IconFileSpreadsheet size={16} />} onClick={download('csv')} data-testid="export-csv">
        {t('voting.exportCsv')}
      </Button>
      <Button size="xs" variant="light" leftSection={<IconFileTypePdf size={16} />} onClick={download('pdf')} data-testid="export-pdf">
        {t('voting.exportPdf')}
      </Button>
    </Group>
  );
}
