/**
 * The document viewer (pdf.js): thumbnails, page navigation, zoom, fit width / fit page, text
 * search with highlights (Vietnamese with diacritics), text selection, and only the pages near
 * view drawn. Watermarked when asked; VIEWER_TOOLS entries join the toolbar and PAGE_OVERLAYS
 * entries are drawn over each page. The page shown is reported up (for presenting and following)
 * and can be set from outside (`target`).
 */
import { ActionIcon, Alert, Box, Group, Loader, NumberInput, SegmentedControl, Text, TextInput, Tooltip } from '@mantine/core';
import { IconChevronDown, IconChevronUp, IconDownload, IconLayoutSidebar, IconSearch, IconZoomIn, IconZoomOut } from '@tabler/icons-react';
import type { PDFDocumentProxy } from 'pdfjs-dist';
import type { TextContent } from 'pdfjs-dist/types/src/display/api';
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { DocumentVersion, MeetingDocument } from '../../../../common/api/documents';
import { VIEWER_TOOLS } from './page-overlays';
import { openPdf } from './pdf';
import { RenderQueue } from './render-queue';
import { itemStrings, PdfPage, type PageSize } from './PdfPage';
import { findInItems, type TextMatch } from './search';
import { Thumbnails } from './Thumbnails';
import './viewer.css';

type Zoom = 'width' | 'page' | number;
const GAP = 12;
const PAD = 12;
const ZOOM_STEP = 1.25;

export interface PdfViewerProps {
  meetingId: string;
  doc: MeetingDocument;
  version: DocumentVersion;
  bytes: Uint8Array;
  /** Watermark lines drawn on every page, or null. */
  watermark: string[] | null;
  /** Go to this page; a new `seq` asks again for the same page. */
  target?: { page: number; seq: number } | undefined;
  /** The page in view changed; `byUser` is false when it was our own jump to `target`. */
  onPageChange?: (page: number, byUser: boolean) => void;
  /** A line above the pages (presenting / following). */
  banner?: ReactNode;
  /** Controls added by the screen that shows the viewer (present, close...). */
  actions?: ReactNode;
}

export function PdfViewer(props: PdfViewerProps) {
  const { t } = useTranslation();
  const { doc, version, bytes } = props;
  const [pdf, setPdf] = useState<PDFDocumentProxy | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [base, setBase] = useState<PageSize>({ width: 595, height: 842 });
  const [sizes, setSizes] = useState<Map<number, PageSize>>(new Map());
  const [zoom, setZoom] = useState<Zoom>('width');
  const [box, setBox] = useState({ width: 800, height: 600 });
  const [scroller, setScroller] = useState<HTMLDivElement | null>(null);
  const [current, setCurrent] = useState(1);
  const [thumbs, setThumbs] = useState(false);
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<{ page: number; matches: TextMatch[] }[] | null>(null);
  const [resultIndex, setResultIndex] = useState(0);
  const [searching, setSearching] = useState(false);
  const texts = useRef(new Map<number, Promise<TextContent>>());
  const jumping = useRef<number | null>(null);
  const currentRef = useRef(1);
  const queue = useMemo(() => new RenderQueue(() => currentRef.current), []);

  // Open the document.
  useEffect(() => {
    const handle = openPdf(bytes);
    let alive = true;
    setPdf(null);
    setError(null);
    texts.current = new Map();
    handle.promise.then(
      async (p) => {
        const first = await p.getPage(1);
        const vp = first.getViewport({ scale: 1 });
        if (!alive) return;
        setBase({ width: vp.width, height: vp.height });
        setSizes(new Map());
        setPdf(p);
      },
      (err: unknown) => alive && setError(err),
    );
    return () => {
      alive = false;
      handle.destroy();
    };
  }, [bytes]);

  useEffect(() => {
    if (!scroller) return;
    const ro = new ResizeObserver(() => setBox({ width: scroller.clientWidth, height: scroller.clientHeight }));
    ro.observe(scroller);
    return () => ro.disconnect();
  }, [scroller]);

  const scale = useMemo(() => {
    if (typeof zoom === 'number') return zoom;
    const fitWidth = Math.max(0.1, (box.width - 2 * PAD - 16) / base.width);
    if (zoom === 'width') return fitWidth;
    return Math.max(0.1, Math.min(fitWidth, (box.height - 2 * PAD) / base.height));
  }, [zoom, box, base]);

  const pageCount = pdf?.numPages ?? version.pageCount;
  const offsets = useMemo(() => {
    const out: number[] = [0];
    let y = PAD;
    for (let n = 1; n <= pageCount; n++) {
      out[n] = y;
      y += Math.round((sizes.get(n) ?? base).height * scale) + GAP;
    }
    return out;
  }, [pageCount, sizes, base, scale]);

  const onSize = useCallback((n: number, s: PageSize) => setSizes((m) => (m.get(n)?.width === s.width && m.get(n)?.height === s.height ? m : new Map(m).set(n, s))), []);
  const getText = useCallback(
    (n: number) => {
      let p = texts.current.get(n);
      if (!p && pdf) {
        p = pdf.getPage(n).then((page) => page.getTextContent());
        texts.current.set(n, p);
      }
      return p ?? Promise.reject(new Error('no document'));
    },
    [pdf],
  );

  const goTo = useCallback(
    (n: number, byUser: boolean) => {
      if (!scroller || !pdf) return;
      const page = Math.min(Math.max(1, Math.round(n)), pdf.numPages);
      jumping.current = byUser ? null : page;
      scroller.scrollTo({ top: Math.max(0, (offsets[page] ?? 0) - PAD), behavior: 'instant' as ScrollBehavior });
      if (currentRef.current !== page) {
        currentRef.current = page;
        setCurrent(page);
        props.onPageChange?.(page, byUser);
      }
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [scroller, pdf, offsets, props.onPageChange],
  );

  // The page in view: the one under a line 35 % down the scroller.
  const onScroll = useCallback(() => {
    if (!scroller || !pdf) return;
    const y = scroller.scrollTop + scroller.clientHeight * 0.35;
    let lo = 1;
    let hi = pdf.numPages;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if ((offsets[mid] ?? 0) <= y) lo = mid;
      else hi = mid - 1;
    }
    if (lo !== currentRef.current) {
      currentRef.current = lo;
      setCurrent(lo);
      const programmatic = jumping.current !== null;
      if (jumping.current === lo) jumping.current = null;
      props.onPageChange?.(lo, !programmatic);
    } else if (jumping.current === lo) jumping.current = null;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [scroller, pdf, offsets, props.onPageChange]);

  // Jumps asked from outside (the presenter's page).
  const targetSeq = props.target?.seq;
  useEffect(() => {
    if (props.target && pdf && scroller) goTo(props.target.page, false);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [targetSeq, pdf, scroller]);

  // Keep the same page in view when the scale changes.
  const lastScale = useRef(scale);
  useEffect(() => {
    if (lastScale.current !== scale && pdf) {
      lastScale.current = scale;
      const page = currentRef.current;
      jumping.current = page;
      scroller?.scrollTo({ top: Math.max(0, (offsets[page] ?? 0) - PAD), behavior: 'instant' as ScrollBehavior });
    }
  }, [scale, offsets, pdf, scroller]);

  const runSearch = async () => {
    if (!pdf) return;
    const q = query.trim();
    if (!q) {
      setResults(null);
      return;
    }
    setSearching(true);
    try {
      const found: { page: number; matches: TextMatch[] }[] = [];
      for (let n = 1; n <= pdf.numPages; n++) {
        const matches = findInItems(itemStrings(await getText(n)), q);
        if (matches.length) found.push({ page: n, matches });
      }
      setResults(found);
      setResultIndex(0);
      if (found[0]) goTo(found[0].page, true);
    } finally {
      setSearching(false);
    }
  };
  const flat = useMemo(() => (results ?? []).flatMap((r) => r.matches.map((_, i) => ({ page: r.page, index: i }))), [results]);
  const total = flat.length;
  const step = (by: 1 | -1) => {
    if (!total) return;
    const next = (resultIndex + by + total) % total;
    setResultIndex(next);
    goTo(flat[next]!.page, true);
  };
  const currentResult = flat[resultIndex];
  const matchesByPage = useMemo(() => new Map((results ?? []).map((r) => [r.page, r.matches])), [results]);
  const noMatches = useMemo<TextMatch[]>(() => [], []);

  const download = () => {
    const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/pdf' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = version.fileName;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };

  const zoomPercent = Math.round(scale * 100);
  const toolProps = { meetingId: props.meetingId, documentId: doc.id, versionId: version.id, pdfBytes: pdf ? bytes : null, confidential: doc.confidential, fileName: version.fileName, pageCount };

  return (
    <Box className={doc.confidential ? 'ph-confidential' : undefined} style={{ display: 'flex', flexDirection: 'column', height: '100%', minHeight: 0 }} data-testid="pdf-viewer" data-document-id={doc.id} data-version-id={version.id}>
      <Group gap={6} p={6} wrap="wrap" style={{ borderBottom: '1px solid var(--mantine-color-gray-3)' }} role="toolbar" aria-label={t('documents.viewer.toolbar')}>
        <Tooltip label={t('documents.viewer.thumbnails')}>
          <ActionIcon variant={thumbs ? 'filled' : 'light'} aria-pressed={thumbs} aria-label={t('documents.viewer.thumbnails')} onClick={() => setThumbs((v) => !v)}>
            <IconLayoutSidebar size={18} />
          </ActionIcon>
        </Tooltip>
        <ActionIcon variant="light" aria-label={t('documents.viewer.previous')} disabled={current <= 1} onClick={() => goTo(current - 1, true)}>
          <IconChevronUp size={18} />
        </ActionIcon>
        <ActionIcon variant="light" aria-label={t('documents.viewer.next')} disabled={current >= pageCount} onClick={() => goTo(current + 1, true)} data-testid="viewer-next">
          <IconChevronDown size={18} />
        </ActionIcon>
        <NumberInput
          key={current}
          size="xs"
          w={64}
          min={1}
          max={pageCount}
          defaultValue={current}
          aria-label={t('documents.viewer.page')}
          hideControls
          data-testid="viewer-page-input"
          onKeyDown={(e) => {
            if (e.key === 'Enter') goTo(Number((e.target as HTMLInputElement).value), true);
          }}
        />
        <Text size="sm" data-testid="viewer-current-page" aria-live="polite">
          {t('documents.viewer.pageOf', { n: current, total: pageCount })}
        </Text>
        <ActionIcon variant="light" aria-label={t('documents.viewer.zoomOut')} onClick={() => setZoom(Math.max(0.25, scale / ZOOM_STEP))}>
          <IconZoomOut size={18} />
        </ActionIcon>
        <Text size="sm" w={44} ta="center" data-testid="viewer-zoom">
          {zoomPercent}%
        </Text>
        <ActionIcon variant="light" aria-label={t('documents.viewer.zoomIn')} onClick={() => setZoom(Math.min(5, scale * ZOOM_STEP))}>
          <IconZoomIn size={18} />
        </ActionIcon>
        <SegmentedControl
          size="xs"
          value={typeof zoom === 'number' ? '' : zoom}
          onChange={(v) => setZoom(v as 'width' | 'page')}
          data={[
            { value: 'width', label: t('documents.viewer.fitWidth') },
            { value: 'page', label: t('documents.viewer.fitPage') },
          ]}
        />
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void runSearch();
          }}
          style={{ display: 'flex', gap: 4, alignItems: 'center' }}
          role="search"
        >
          <TextInput size="xs" w={170} value={query} onChange={(e) => setQuery(e.currentTarget.value)} placeholder={t('documents.viewer.search')} aria-label={t('documents.viewer.search')} leftSection={searching ? <Loader size={12} /> : <IconSearch size={14} />} data-testid="viewer-search" />
          {results && (
            <>
              <Text size="xs" data-testid="viewer-search-count" aria-live="polite">
                {total ? t('documents.viewer.results', { n: resultIndex + 1, total }) : t('documents.viewer.noResults')}
              </Text>
              <ActionIcon size="sm" variant="subtle" aria-label={t('documents.viewer.previousResult')} disabled={!total} onClick={() => step(-1)}>
                <IconChevronUp size={14} />
              </ActionIcon>
              <ActionIcon size="sm" variant="subtle" aria-label={t('documents.viewer.nextResult')} disabled={!total} onClick={() => step(1)}>
                <IconChevronDown size={14} />
              </ActionIcon>
            </>
          )}
        </form>
        {!doc.confidential && (
          <Tooltip label={t('documents.viewer.download')}>
            <ActionIcon variant="light" aria-label={t('documents.viewer.download')} onClick={download}>
              <IconDownload size={18} />
            </ActionIcon>
          </Tooltip>
        )}
        {VIEWER_TOOLS.map((Tool, i) => (
          <Tool key={i} {...toolProps} />
        ))}
        <Box style={{ flex: 1 }} />
        {props.actions}
      </Group>
      {props.banner}
      {error ? (
        <Alert color="red" m="md" role="alert" title={t('documents.viewer.openFailed')}>
          {error instanceof Error ? error.message : String(error)}
        </Alert>
      ) : (
        <Box style={{ display: 'flex', flex: 1, minHeight: 0 }}>
          {thumbs && pdf && <Thumbnails pdf={pdf} sizes={sizes} base={base} current={current} watermark={props.watermark} onPick={(n) => goTo(n, true)} />}
          <div ref={setScroller} className="ph-pdf-scroller" style={{ flex: 1, minWidth: 0 }} onScroll={onScroll} tabIndex={0} aria-label={t('documents.viewer.pages')} data-testid="viewer-scroller">
            {!pdf ? (
              <Group justify="center" p="xl">
                <Loader aria-label={t('common.loading')} />
              </Group>
            ) : (
              <div className="ph-pdf-pages">
                {Array.from({ length: pdf.numPages }, (_, i) => i + 1).map((n) => (
                  <PdfPage
                    key={n}
                    pdf={pdf}
                    queue={queue}
                    pageNumber={n}
                    scale={scale}
                    size={sizes.get(n) ?? base}
                    onSize={onSize}
                    root={scroller}
                    watermark={props.watermark}
                    matches={matchesByPage.get(n) ?? noMatches}
                    currentMatch={currentResult?.page === n ? currentResult.index : -1}
                    getText={getText}
                    meetingId={props.meetingId}
                    documentId={doc.id}
                    versionId={version.id}
                  />
                ))}
              </div>
            )}
          </div>
        </Box>
      )}
      <Text size="xs" c="dimmed" px={8} py={2} style={{ borderTop: '1px solid var(--mantine-color-gray-3)', wordBreak: 'break-all' }} data-testid="viewer-hash">
        {t('documents.viewer.integrity', { version: version.number, hash: version.sha256 })}
      </Text>
      {doc.confidential && (
        <Text size="xs" c="red" px={8} pb={2}>
          {t('documents.viewer.confidentialNote')}
        </Text>
      )}
    </Box>
  );
}

