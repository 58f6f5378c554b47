/** The pack as a list: agenda items in order, each with its documents (title, version, pages, hash). */
import { Badge, Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { IconFileTypePdf, IconLock } from '@tabler/icons-react';
import { useEffect, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { DocumentPack, MeetingDocument, PackItem } from '../../../../common/api/documents';

export interface DocumentListProps {
  pack: DocumentPack;
  onOpen: (doc: MeetingDocument) => void;
  /** Extra controls for one document (replace, access, delete; present). */
  docActions?: (doc: MeetingDocument) => ReactNode;
  /** Under each item's documents (upload zone, comments). */
  itemFooter?: (item: PackItem) => ReactNode;
  /** The document open now, highlighted. */
  openId?: string | null | undefined;
  compact?: boolean;
}

export function DocumentList({ pack, onOpen, docActions, itemFooter, openId, compact }: DocumentListProps) {
  const { t } = useTranslation();
  // A document is likely to be opened from here: have pdf.js's worker ready before the click.
  const hasDocuments = pack.items.some((i) => i.documents.length > 0);
  useEffect(() => {
    if (!hasDocuments) return;
    // pdf.js is loaded with the first list of documents (not with the app): see LazyDocumentReader.
    const timer = setTimeout(() => void import('./pdf').then((m) => m.prewarmPdf()), 300);
    return () => clearTimeout(timer);
  }, [hasDocuments]);
  return (
    <Stack gap="sm" data-testid="document-list">
      {pack.items.map((item) => (
        <Stack key={item.agendaItemId ?? 'other'} gap={6} component="section" aria-label={item.title || t('documents.otherDocuments')} data-testid="pack-item">
          <Title order={3} size={compact ? 'h6' : 'h5'}>
            {item.agendaItemId ? `${item.position}. ${item.title}` : t('documents.otherDocuments')}
          </Title>
          {item.documents.length === 0 && (
            <Text size="xs" c="dimmed">
              {t('documents.noDocuments')}
            </Text>
          )}
          {item.documents.map((doc) => {
            const v = doc.versions[0]!;
            return (
              <Paper key={doc.id} withBorder p={compact ? 6 : 'xs'} radius="sm" bg={openId === doc.id ? 'blue.0' : undefined} data-testid="document-row" data-document-title={doc.title}>
                <Group justify="space-between" wrap="nowrap" gap="xs" align="flex-start">
                  <Stack gap={2} style={{ minWidth: 0, flex: 1 }}>
                    <Group gap={6} wrap="nowrap">
                      {doc.confidential ? <IconLock size={16} color="var(--mantine-color-red-6)" aria-label={t('documents.confidential')} /> : <IconFileTypePdf size={16} aria-hidden />}
                      <Text size="sm" fw={600} truncate>
                        {doc.title}
                      </Text>
                    </Group>
                    <Group gap={4}>
                      {doc.confidential && (
                        <Badge size="xs" color="red" variant="light">
                          {t('documents.confidential')}
                        </Badge>
                      )}
                      <Badge size="xs" variant="light" color="gray">
                        {t('documents.versionLabel', { n: v.number })}
                      </Badge>
                      <Text size="xs" c="dimmed">
                        {t('documents.pages', { count: v.pageCount })} · {(v.size / 1024 / 1024).toFixed(2)} MB
                      </Text>
                    </Group>
                    {!compact && (
                      <Text size="xs" c="dimmed" style={{ wordBreak: 'break-all' }} title={t('documents.hashHint')}>
                        SHA-256: {v.sha256}
                      </Text>
                    )}
                    {!compact && doc.versions.length > 1 && (
                      <Text size="xs" c="dimmed">
                        {t('documents.olderVersions', { list: doc.versions.slice(1).map((o) => `${t('documents.versionLabel', { n: o.number })} (${o.uploadedBy})`).join(', ') })}
                      </Text>
                    )}
                  </Stack>
                  <Group gap={4} wrap="nowrap">
                    <Button size="compact-sm" variant="light" onClick={() => onOpen(doc)} aria-label={t('documents.openNamed', { title: doc.title })} data-testid="open-document">
                      {t('documents.open')}
                    </Button>
                    {docActions?.(doc)}
                  </Group>
                </Group>
              </Paper>
            );
          })}
          {itemFooter?.(item)}
        </Stack>
      ))}
    </Stack>
  );
}
