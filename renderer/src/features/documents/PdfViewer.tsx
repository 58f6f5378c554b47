/**
 * The document viewer (pdf.js): a side column (thumbnails, the PDF's outline, bookmarks), page
 * navigation, zoom (buttons, Ctrl + wheel, pinch), fit width / fit page, text search with
 * highlights and progress (pdf.js's find controller: case and diacritics ignored unless asked),
 * the page's own links, text selection, and only the pages near view drawn. It reopens at the
 * page this person left (this device). Watermarked when asked; VIEWER_TOOLS entries join the toolbar and PAGE_OVERLAYS
 * entries are drawn over each page. The page shown is reported up (for presenting and following)
 * and can be set from outside (`target`).
 */
import { ActionIcon, Alert, Box, Checkbox, Group, Loader, Menu, NumberInput, Progress, SegmentedControl, Text, TextInput, Tooltip } from '@mantine/core';
import { IconBookmark, IconBookmarkFilled, IconChevronDown, IconChevronUp, IconDots, IconDownload, IconLayoutSidebar, IconPencil, IconSearch, IconZoomIn, IconZoomOut } from '@tabler/icons-react';
import type { PDFDocumentProxy } from 'pdfjs-dist';
import type { TextContent } from 'pdfjs-dist/types/src/display/api';
import { Suspense, useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { DocumentVersion, MeetingDocument } from '../../../../common/api/documents';
import { useAccount } from '../auth/session';
import { createNavigation, FindState } from './navigation';
import { Outline } from './Outline';
import { useViewerExtensions } from './page-overlays';
import { openPdf } from './pdf';
import { browserStorage, readReading, toggleBookmark, writeReading } from './reading-state';
import { RenderQueue } from './render-queue';
import { PdfPage, type PageSize } from './PdfPage';
import { toItemMatches, type TextMatch } from './search';
import { Thumbnails } from './Thumbnails';
import { useElementSize } from '../conference/use-element-size';
import { clampZoom, useZoomGestures } from './zoom-gestures';
import './viewer.css';

type Zoom = 'width' | 'page' | number;
type SidebarView = 'thumbs' | 'outline' | 'bookmarks';

interface FindView {
  /** pdf.js's FindState (FOUND, NOT_FOUND, WRAPPED, PENDING), or null before a search. */
  state: number | null;
  current: number;
  total: number;
  /** Pages searched so far. */
  pagesDone: number;
}
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
  const me = useAccount();
  const viewerTools = useViewerExtensions().tools;
  const { doc, version, bytes } = props;
  const [pdf, setPdf] = useState<PDFDocumentProxy | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [base, setBase] = useState<PageSize>({ width: 595, height: 842 });
  const [sizes, setSizes] = useState<Map<number, PageSize>>(new Map());
  const [zoom, setZoom] = useState<Zoom>('width');
  const [box, setBox] = useState({ width: 800, height: 600 });
  const [scroller, setScroller] = useState<HTMLDivElement | null>(null);
  const [current, setCurrent] = useState(1);
  const [sidebar, setSidebar] = useState<SidebarView | null>(null);
  // Compact toolbars (tablets, phones): what does not fit goes into the "more" menu, search and
  // the annotation tools get their own bar when asked for (annotation mode), nothing wraps.
  const toolbarRef = useRef<HTMLDivElement>(null);
  const toolbarWidth = useElementSize(toolbarRef).width;
  const wide = toolbarWidth === 0 || toolbarWidth >= 1250;
  const tiny = toolbarWidth > 0 && toolbarWidth < 560;
  const [annotating, setAnnotating] = useState(false);
  const [searchOpen, setSearchOpen] = useState(false);
  const [query, setQuery] = useState('');
  const [matchDiacritics, setMatchDiacritics] = useState(false);
  const [find, setFind] = useState<FindView>({ state: null, current: 0, total: 0, pagesDone: 0 });
  const [matchesByPage, setMatchesByPage] = useState<Map<number, TextMatch[]>>(new Map());
  const [selected, setSelected] = useState<{ page: number; index: number } | null>(null);
  const [bookmarks, setBookmarks] = useState<number[]>(() => readReading(browserStorage(), me.id, doc.id).bookmarks);
  const [pagesEl, setPagesEl] = useState<HTMLDivElement | null>(null);
  const texts = useRef(new Map<number, Promise<TextContent>>());
  const jumping = useRef<number | null>(null);
  const currentRef = useRef(1);
  const queue = useMemo(() => new RenderQueue(() => currentRef.current), []);
  // pdf.js's link service and find controller, driving this viewer through goTo.
  const goToRef = useRef<(n: number, byUser: boolean, top?: number | null) => void>(() => undefined);
  const nav = useMemo(() => createNavigation({ currentPage: () => currentRef.current, goTo: (n, top) => goToRef.current(n, true, top) }), []);
  const lastQuery = useRef<string | null>(null);

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
        nav.setDocument(p);
        lastQuery.current = null;
        setFind({ state: null, current: 0, total: 0, pagesDone: 0 });
        setMatchesByPage(new Map());
        setSelected(null);
        setPdf(p);
      },
      (err: unknown) => alive && setError(err),
    );
    return () => {
      alive = false;
      nav.setDocument(null);
      handle.destroy();
    };
  }, [bytes, nav]);

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
        // Not normalised, as pdf.js's find controller reads it: its match offsets point into this text.
        p = pdf.getPage(n).then((page) => page.getTextContent({ disableNormalization: true }));
        texts.current.set(n, p);
      }
      return p ?? Promise.reject(new Error('no document'));
    },
    [pdf],
  );

  const goTo = useCallback(
    (n: number, byUser: boolean, top: number | null = null) => {
      if (!scroller || !pdf) return;
      const page = Math.min(Math.max(1, Math.round(n)), pdf.numPages);
      jumping.current = byUser ? null : page;
      // A destination's height on the page (PDF units from the bottom), as pixels from the page's top.
      const within = top === null ? 0 : Math.max(0, ((sizes.get(page) ?? base).height - top) * scale);
      scroller.scrollTo({ top: Math.max(0, (offsets[page] ?? 0) - PAD + within), behavior: 'instant' as ScrollBehavior });
      if (currentRef.current !== page) {
        currentRef.current = page;
        setCurrent(page);
        props.onPageChange?.(page, byUser);
      }
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [scroller, pdf, offsets, sizes, base, scale, props.onPageChange],
  );
  goToRef.current = goTo;

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

  // Reopen at the page this person left, unless the screen asks for a page (following a presenter).
  const restored = useRef<PDFDocumentProxy | null>(null);
  useEffect(() => {
    if (!pdf || !scroller || restored.current === pdf) return;
    restored.current = pdf;
    if (props.target) return;
    const { page } = readReading(browserStorage(), me.id, doc.id);
    if (page > 1 && page <= pdf.numPages) goTo(page, false);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [pdf, scroller]);
  useEffect(() => {
    if (!pdf || restored.current !== pdf) return;
    writeReading(browserStorage(), me.id, doc.id, { page: current, bookmarks });
  }, [pdf, current, bookmarks, me.id, doc.id]);

  // Jumps asked from outside (the presenter's page).
  const targetSeq = props.target?.seq;
  useEffect(() => {
    if (props.target && pdf && scroller) goTo(props.target.page, false);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [targetSeq, pdf, scroller]);

  // Keep the same place in view when the scale changes (the same fraction down the same page).
  const lastScale = useRef({ scale, offsets });
  useEffect(() => {
    const before = lastScale.current;
    lastScale.current = { scale, offsets };
    if (before.scale !== scale && pdf && scroller) {
      const page = currentRef.current;
      const oldTop = before.offsets[page] ?? 0;
      const oldHeight = (before.offsets[page + 1] ?? oldTop + 1) - oldTop;
      const fraction = Math.max(0, (scroller.scrollTop + PAD - oldTop) / Math.max(1, oldHeight));
      const newTop = offsets[page] ?? 0;
      const newHeight = (offsets[page + 1] ?? newTop + 1) - newTop;
      jumping.current = page;
      scroller.scrollTo({ top: Math.max(0, newTop - PAD + fraction * newHeight), behavior: 'instant' as ScrollBehavior });
    }
  }, [scale, offsets, pdf, scroller]);

  useZoomGestures(scroller, { scale, setScale: (s) => setZoom(s), preview: pagesEl });

  // Search results as pdf.js's find controller reports them.
  useEffect(() => {
    const ac = new AbortController();
    const signal = ac.signal;
    const pagesDone = () => nav.pagesSearched();
    const showPage = (index: number) => {
      const found = nav.matchesOf(index);
      const n = index + 1;
      const drop = () =>
        setMatchesByPage((m) => {
          if (!m.has(n)) return m;
          const next = new Map(m);
          next.delete(n);
          return next;
        });
      if (!found?.starts.length) return drop();
      void getText(n).then((text) => {
        // The matches as they are once the text is here (a newer search may have replaced them).
        const now = nav.matchesOf(index);
        if (signal.aborted) return;
        if (!now?.starts.length) return drop();
        const items = text.items.map((i) => ('str' in i ? { str: i.str, hasEOL: i.hasEOL } : { str: '' }));
        setMatchesByPage((m) => new Map(m).set(n, toItemMatches(items, now.starts, now.lengths)));
      });
    };
    const showSelected = () => {
      const sel = nav.selected();
      setSelected(sel.pageIdx >= 0 && sel.matchIdx >= 0 ? { page: sel.pageIdx + 1, index: sel.matchIdx } : null);
    };
    nav.eventBus.on(
      'updatetextlayermatches',
      ({ pageIndex }: { pageIndex: number }) => {
        if (pageIndex === -1) {
          setMatchesByPage(new Map());
          for (let i = 0; i < (pdf?.numPages ?? 0); i++) showPage(i);
        } else showPage(pageIndex);
        setFind((f) => ({ ...f, pagesDone: pagesDone() }));
        showSelected();
      },
      { signal },
    );
    nav.eventBus.on('updatefindmatchescount', ({ matchesCount }: { matchesCount: { current: number; total: number } }) => setFind((f) => ({ ...f, current: matchesCount.current, total: matchesCount.total, pagesDone: pagesDone() })), { signal });
    nav.eventBus.on(
      'updatefindcontrolstate',
      ({ state, matchesCount }: { state: number; matchesCount: { current: number; total: number } }) => {
        setFind({ state, current: matchesCount.current, total: matchesCount.total, pagesDone: pagesDone() });
        showSelected();
      },
      { signal },
    );
    return () => ac.abort();
  }, [nav, getText, pdf]);

  const runSearch = (findPrevious = false) => {
    if (!pdf) return;
    const q = query.trim();
    if (!q) {
      lastQuery.current = null;
      nav.eventBus.dispatch('findbarclose', { source: null });
      setFind({ state: null, current: 0, total: 0, pagesDone: 0 });
      setMatchesByPage(new Map());
      setSelected(null);
      return;
    }
    // Enter again on the same search goes to the next result, as in pdf.js's own find bar.
    const again = lastQuery.current === `${matchDiacritics}:${q}`;
    lastQuery.current = `${matchDiacritics}:${q}`;
    nav.eventBus.dispatch('find', { source: null, type: again ? 'again' : 'find', query: q, caseSensitive: false, entireWord: false, highlightAll: true, findPrevious, matchDiacritics });
  };
  const step = (by: 1 | -1) => {
    if (!find.total) return;
    lastQuery.current ??= `${matchDiacritics}:${query.trim()}`;
    runSearch(by < 0);
  };
  const searching = find.state === FindState.PENDING;
  const searched = find.state !== null;
  const total = find.total;
  const noMatches = useMemo<TextMatch[]>(() => [], []);
  const isBookmarked = bookmarks.includes(current);

  const download = () => {
    const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/pdf' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = version.fileName;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };

  const searchForm = (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        runSearch();
      }}
      style={{ display: 'flex', gap: 4, alignItems: 'center' }}
      role="search"
    >
      <TextInput size="xs" w={170} value={query} onChange={(e) => setQuery(e.currentTarget.value)} onKeyDown={(e) => e.key === 'Enter' && e.shiftKey && (e.preventDefault(), step(-1))} placeholder={t('documents.viewer.search')} aria-label={t('documents.viewer.search')} leftSection={searching ? <Loader size={12} /> : <IconSearch size={14} />} data-testid="viewer-search" />
      <Checkbox size="xs" label={t('documents.viewer.matchDiacritics')} checked={matchDiacritics} onChange={(e) => setMatchDiacritics(e.currentTarget.checked)} data-testid="viewer-match-diacritics" />
      {searched && (
        <>
          <Text size="xs" data-testid="viewer-search-count" aria-live="polite">
            {total ? t('documents.viewer.results', { n: Math.max(1, find.current), total }) : searching ? t('documents.viewer.searching') : t('documents.viewer.noResults')}
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
  );
  const zoomPercent = Math.round(scale * 100);
  const toolProps = { meetingId: props.meetingId, documentId: doc.id, versionId: version.id, pdfBytes: pdf ? bytes : null, confidential: doc.confidential, fileName: version.fileName, pageCount };

  return (
    <Box className={doc.confidential ? 'ph-confidential' : undefined} style={{ display: 'flex', flexDirection: 'column', height: '100%', minHeight: 0 }} data-testid="pdf-viewer" data-document-id={doc.id} data-version-id={version.id}>
      <Group ref={toolbarRef} gap={6} p={6} wrap="nowrap" style={{ borderBottom: '1px solid var(--mantine-color-default-border)', minWidth: 0 }} role="toolbar" aria-label={t('documents.viewer.toolbar')} data-testid="viewer-toolbar" data-compact={!wide}>
        <Tooltip label={t('documents.viewer.sidebar')}>
          <ActionIcon variant={sidebar ? 'filled' : 'light'} aria-pressed={sidebar !== null} aria-label={t('documents.viewer.sidebar')} onClick={() => setSidebar((v) => (v ? null : 'thumbs'))} data-testid="viewer-sidebar-toggle">
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
        <Text size="sm" data-testid="viewer-current-page" aria-live="polite" style={{ whiteSpace: 'nowrap' }}>
          {tiny ? `/ ${pageCount}` : t('documents.viewer.pageOf', { n: current, total: pageCount })}
        </Text>
        {!tiny && (
          <Tooltip label={isBookmarked ? t('documents.viewer.removeBookmark') : t('documents.viewer.addBookmark')}>
          <ActionIcon variant={isBookmarked ? 'filled' : 'light'} aria-pressed={isBookmarked} aria-label={t('documents.viewer.bookmarkPage', { n: current })} onClick={() => setBookmarks((b) => toggleBookmark(b, current))} data-testid="viewer-bookmark">
            {isBookmarked ? <IconBookmarkFilled size={18} /> : <IconBookmark size={18} />}
          </ActionIcon>
          </Tooltip>
        )}
        {wide && (
          <>
        <ActionIcon variant="light" aria-label={t('documents.viewer.zoomOut')} onClick={() => setZoom(clampZoom(scale / ZOOM_STEP))}>
          <IconZoomOut size={18} />
        </ActionIcon>
        <Text size="sm" w={44} ta="center" data-testid="viewer-zoom">
          {zoomPercent}%
        </Text>
        <ActionIcon variant="light" aria-label={t('documents.viewer.zoomIn')} onClick={() => setZoom(clampZoom(scale * ZOOM_STEP))}>
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
          </>
        )}
        {wide ? searchForm : (
          <Tooltip label={t('documents.viewer.search')}>
            <ActionIcon variant={searchOpen ? 'filled' : 'light'} aria-pressed={searchOpen} aria-label={t('documents.viewer.search')} onClick={() => setSearchOpen((o) => !o)} data-testid="viewer-search-toggle">
              <IconSearch size={18} />
            </ActionIcon>
          </Tooltip>
        )}
        {wide && !doc.confidential && (
          <Tooltip label={t('documents.viewer.download')}>
            <ActionIcon variant="light" aria-label={t('documents.viewer.download')} onClick={download}>
              <IconDownload size={18} />
            </ActionIcon>
          </Tooltip>
        )}
        <Tooltip label={t('compact.annotate')}>
          <ActionIcon variant={annotating ? 'filled' : 'light'} aria-pressed={annotating} aria-label={t('compact.annotate')} onClick={() => setAnnotating((a) => !a)} data-testid="viewer-annotate">
            <IconPencil size={18} />
          </ActionIcon>
        </Tooltip>
        {!wide && (
          <Menu position="bottom-end" withArrow shadow="md">
            <Menu.Target>
              <Tooltip label={t('compact.more')}>
                <ActionIcon variant="light" aria-label={t('compact.more')} data-testid="viewer-more">
                  <IconDots size={18} />
                </ActionIcon>
              </Tooltip>
            </Menu.Target>
            <Menu.Dropdown>
              {tiny && (
                <Menu.Item leftSection={isBookmarked ? <IconBookmarkFilled size={16} /> : <IconBookmark size={16} />} onClick={() => setBookmarks((b) => toggleBookmark(b, current))}>
                  {isBookmarked ? t('documents.viewer.removeBookmark') : t('documents.viewer.addBookmark')}
                </Menu.Item>
              )}
              <Menu.Item leftSection={<IconZoomIn size={16} />} onClick={() => setZoom(clampZoom(scale * ZOOM_STEP))} closeMenuOnClick={false}>
                {t('documents.viewer.zoomIn')}
              </Menu.Item>
              <Menu.Item leftSection={<IconZoomOut size={16} />} onClick={() => setZoom(clampZoom(scale / ZOOM_STEP))} closeMenuOnClick={false} rightSection={<Text size="xs">{zoomPercent}%</Text>}>
                {t('documents.viewer.zoomOut')}
              </Menu.Item>
              <Menu.Item onClick={() => setZoom('width')}>{t('documents.viewer.fitWidth')}</Menu.Item>
              <Menu.Item onClick={() => setZoom('page')}>{t('documents.viewer.fitPage')}</Menu.Item>
              {!doc.confidential && (
                <Menu.Item leftSection={<IconDownload size={16} />} onClick={download}>
                  {t('documents.viewer.download')}
                </Menu.Item>
              )}
            </Menu.Dropdown>
          </Menu>
        )}
        <Box style={{ flex: 1 }} />
        {props.actions}
      </Group>
      {!wide && searchOpen && (
        <Group gap={6} p={6} wrap="nowrap" style={{ borderBottom: '1px solid var(--mantine-color-default-border)' }}>
          {searchForm}
        </Group>
      )}
      {annotating && (
        // Annotation mode: its own bar, so reading controls and drawing tools never share a row. On a
        // phone what does not fit (export, signatures, the sync status) goes onto the next line: the
        // drawing tools themselves stay in one row (AnnotationToolbar's compact mode), never scrolled.
        <Group gap={6} p={6} wrap="wrap" style={{ borderBottom: '1px solid var(--mantine-color-default-border)' }} data-testid="viewer-annotation-bar">
          <Suspense fallback={null}>
            {viewerTools.map((Tool, i) => (
              <Tool key={i} {...toolProps} />
            ))}
          </Suspense>
        </Group>
      )}
      {props.banner}
      {searching && pdf && (
        <Progress size="xs" radius={0} value={(100 * find.pagesDone) / pdf.numPages} aria-label={t('documents.viewer.searchProgress', { done: find.pagesDone, total: pdf.numPages })} data-testid="viewer-search-progress" />
      )}
      {error ? (
        <Alert color="red" m="md" role="alert" title={t('documents.viewer.openFailed')}>
          {error instanceof Error ? error.message : String(error)}
        </Alert>
      ) : (
        <Box style={{ display: 'flex', flex: 1, minHeight: 0 }}>
          {sidebar && pdf && (
            <Box className="ph-pdf-sidebar" data-testid="viewer-sidebar" style={{ width: sidebar === 'thumbs' ? 146 : 260 }}>
              <SegmentedControl
                size="xs"
                fullWidth
                value={sidebar}
                onChange={(v) => setSidebar(v as SidebarView)}
                data={[
                  { value: 'thumbs', label: t('documents.viewer.sidebarPages') },
                  { value: 'outline', label: t('documents.viewer.outline') },
                  { value: 'bookmarks', label: t('documents.viewer.bookmarks') },
                ]}
                aria-label={t('documents.viewer.sidebar')}
                data-testid="viewer-sidebar-view"
              />
              <Box style={{ flex: 1, minHeight: 0, display: 'flex', overflow: 'auto' }}>
                {sidebar === 'thumbs' && <Thumbnails pdf={pdf} sizes={sizes} base={base} current={current} watermark={props.watermark} onPick={(n) => goTo(n, true)} />}
                {sidebar === 'outline' && <Outline pdf={pdf} onGo={(dest) => void nav.linkService.goToDestination(dest as string | unknown[])} />}
                {sidebar === 'bookmarks' && (
                  <Box p={6} style={{ flex: 1 }} data-testid="viewer-bookmarks">
                    {bookmarks.length === 0 ? (
                      <Text size="sm" c="dimmed">
                        {t('documents.viewer.noBookmarks')}
                      </Text>
                    ) : (
                      bookmarks.map((n) => (
                        <Group key={n} gap={4} wrap="nowrap">
                          <Text component="button" type="button" className="ph-outline-entry" size="sm" onClick={() => goTo(n, true)} aria-current={n === current ? 'page' : undefined} data-testid="bookmark-entry">
                            {t('documents.viewer.goToPage', { n })}
                          </Text>
                          <ActionIcon size="xs" variant="subtle" aria-label={t('documents.viewer.removeBookmarkOf', { n })} onClick={() => setBookmarks((b) => toggleBookmark(b, n))}>
                            ×
                          </ActionIcon>
                        </Group>
                      ))
                    )}
                  </Box>
                )}
              </Box>
            </Box>
          )}
          <div ref={setScroller} className="ph-pdf-scroller" style={{ flex: 1, minWidth: 0 }} onScroll={onScroll} tabIndex={0} aria-label={t('documents.viewer.pages')} data-testid="viewer-scroller">
            {!pdf ? (
              <Group justify="center" p="xl">
                <Loader aria-label={t('common.loading')} />
              </Group>
            ) : (
              <div className="ph-pdf-pages" ref={setPagesEl}>
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
                    currentMatch={selected?.page === n ? selected.index : -1}
                    getText={getText}
                    linkService={nav.linkService}
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

