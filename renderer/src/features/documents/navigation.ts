/**
 * Moving around a document with pdf.js's own components instead of code of ours: its
 * PDFLinkService (outline entries, internal links in the page, named destinations) and its
 * PDFFindController (search: case, Unicode forms and, when asked, diacritics ignored with pdf.js's
 * normalisation; progress as pages are searched). They drive our viewer (PdfViewer) through a
 * small port, the part of pdf.js's PDFViewer they use.
 */
import './pdfjs-global';
import type { PDFDocumentProxy } from 'pdfjs-dist';
import { EventBus, FindState, LinkTarget, PDFFindController, PDFLinkService } from 'pdfjs-dist/web/pdf_viewer.mjs';
import { destinationTop, foldD } from './search';

export { FindState };

/** What the link service and the find controller need from our viewer. */
export interface ViewerPort {
  currentPage(): number;
  /** Shows page `page`; `top`, when given, is a height on the page in PDF units (from the bottom, as destinations give it). */
  goTo(page: number, top: number | null): void;
}

/** PDFFindController with Vietnamese "đ" matching "d" when diacritics are ignored (pdf.js documents `match` as the method to override). */
export class VietnameseFindController extends PDFFindController {
  override match(query: string | string[], pageContent: string, pageIndex: number) {
    const state = this.state as { matchDiacritics?: boolean } | null;
    if (state?.matchDiacritics) return super.match(query, pageContent, pageIndex);
    return super.match(typeof query === 'string' ? foldD(query) : query.map(foldD), foldD(pageContent), pageIndex);
  }
}

export interface Navigation {
  eventBus: EventBus;
  linkService: PDFLinkService;
  find: VietnameseFindController;
  setDocument(pdf: PDFDocumentProxy | null): void;
  /** The find controller's matches on a page (0-based index): offsets and lengths in its page text, or null when not searched yet. */
  matchesOf(pageIndex: number): { starts: number[]; lengths: number[] } | null;
  /** Pages the current search has gone through. */
  pagesSearched(): number;
  /** The selected result: page index and index on that page (-1 when none). */
  selected(): { pageIdx: number; matchIdx: number };
}

export function createNavigation(port: ViewerPort): Navigation {
  const eventBus = new EventBus();
  const linkService = new PDFLinkService({ eventBus, externalLinkTarget: LinkTarget.BLANK, externalLinkRel: 'noopener noreferrer nofollow' });
  let pages = 0;
  // The members of pdf.js's PDFViewer that PDFLinkService and PDFFindController call.
  linkService.setViewer({
    get currentPageNumber() {
      return port.currentPage();
    },
    set currentPageNumber(n: number) {
      port.goTo(n, null);
    },
    get pagesCount() {
      return pages;
    },
    pagesRotation: 0,
    isInPresentationMode: false,
    pageLabelToPageNumber: () => null,
    scrollPageIntoView({ pageNumber, destArray }: { pageNumber: number; destArray?: unknown }) {
      port.goTo(pageNumber, destinationTop(destArray));
    },
    nextPage() {
      if (port.currentPage() < pages) port.goTo(port.currentPage() + 1, null);
    },
    previousPage() {
      if (port.currentPage() > 1) port.goTo(port.currentPage() - 1, null);
    },
  });
  const find = new VietnameseFindController({ linkService, eventBus, updateMatchesCountOnProgress: true });
  // pdf.js's typings leave these loose; their shapes are those of pdf_find_controller.js.
  const matches = () => (find.pageMatches ?? []) as (number[] | undefined)[];
  const lengths = () => (find.pageMatchesLength ?? []) as (number[] | undefined)[];
  return {
    eventBus,
    linkService,
    find,
    matchesOf(pageIndex) {
      const starts = matches()[pageIndex];
      return starts ? { starts, lengths: lengths()[pageIndex] ?? [] } : null;
    },
    // A page's entry is set once it has been searched (the array has holes before).
    pagesSearched: () => matches().reduce((n) => n + 1, 0),
    selected: () => (find.selected as { pageIdx: number; matchIdx: number } | undefined) ?? { pageIdx: -1, matchIdx: -1 },
    setDocument(pdf) {
      pages = pdf?.numPages ?? 0;
      linkService.setDocument(pdf);
      find.setDocument(pdf as PDFDocumentProxy);
    },
  };
}

export { AnnotationLayerBuilder, PDFLinkService } from 'pdfjs-dist/web/pdf_viewer.mjs';
