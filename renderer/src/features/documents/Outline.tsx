/**
 * The document's outline (its table of contents, as the PDF carries it: pdf.js's getOutline), as
 * a tree of links; an entry goes to its destination through pdf.js's link service.
 */
import { ActionIcon, Box, Loader, Text, UnstyledButton } from '@mantine/core';
import { IconChevronDown, IconChevronRight } from '@tabler/icons-react';
import type { PDFDocumentProxy } from 'pdfjs-dist';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

export interface OutlineEntry {
  title: string;
  dest: string | unknown[] | null;
  url: string | null;
  items: OutlineEntry[];
}

function Entry({ entry, depth, onGo }: { entry: OutlineEntry; depth: number; onGo: (dest: string | unknown[]) => void }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(depth === 0);
  const hasChildren = entry.items.length > 0;
  return (
    <li>
      <Box style={{ display: 'flex', alignItems: 'flex-start', gap: 2, paddingLeft: depth * 12 }}>
        {hasChildren ? (
          <ActionIcon size="xs" variant="subtle" aria-expanded={open} aria-label={open ? t('documents.viewer.collapse', { title: entry.title }) : t('documents.viewer.expand', { title: entry.title })} onClick={() => setOpen((o) => !o)}>
            {open ? <IconChevronDown size={12} /> : <IconChevronRight size={12} />}
          </ActionIcon>
        ) : (
          <Box w={18} style={{ flex: 'none' }} />
        )}
        <UnstyledButton
          className="ph-outline-entry"
          disabled={!entry.dest}
          onClick={() => entry.dest && onGo(entry.dest)}
          data-testid="outline-entry"
        >
          <Text size="sm" lh={1.3}>
            {entry.title}
          </Text>
        </UnstyledButton>
      </Box>
      {hasChildren && open && (
        <ul className="ph-outline-list">
          {entry.items.map((child, i) => (
            <Entry key={i} entry={child} depth={depth + 1} onGo={onGo} />
          ))}
        </ul>
      )}
    </li>
  );
}

export function Outline({ pdf, onGo }: { pdf: PDFDocumentProxy; onGo: (dest: string | unknown[]) => void }) {
  const { t } = useTranslation();
  const [outline, setOutline] = useState<OutlineEntry[] | null>(null);
  useEffect(() => {
    let alive = true;
    setOutline(null);
    pdf.getOutline().then(
      (o) => alive && setOutline((o ?? []) as OutlineEntry[]),
      () => alive && setOutline([]),
    );
    return () => {
      alive = false;
    };
  }, [pdf]);
  if (!outline) return <Loader size="xs" m="sm" aria-label={t('common.loading')} />;
  if (outline.length === 0)
    return (
      <Text size="sm" c="dimmed" p="sm" data-testid="outline-empty">
        {t('documents.viewer.noOutline')}
      </Text>
    );
  return (
    <nav aria-label={t('documents.viewer.outline')} data-testid="viewer-outline">
      <ul className="ph-outline-list">
        {outline.map((entry, i) => (
          <Entry key={i} entry={entry} depth={0} onGo={onGo} />
        ))}
      </ul>
    </nav>
  );
}
