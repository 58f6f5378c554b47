/** The thumbnails column: small renders of the pages, drawn only near view; a click goes to the page. */
import type { PDFDocumentProxy, RenderTask } from 'pdfjs-dist';
import { memo, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { drawWatermark, type PageSize } from './PdfPage';

const THUMB_WIDTH = 110;

const Thumb = memo(function Thumb({ pdf, pageNumber, size, root, current, watermark, onPick }: { pdf: PDFDocumentProxy; pageNumber: number; size: PageSize; root: HTMLElement | null; current: boolean; watermark: string[] | null; onPick: (n: number) => void }) {
  const { t } = useTranslation();
  const ref = useRef<HTMLButtonElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [near, setNear] = useState(false);
  const scale = THUMB_WIDTH / size.width;
  const height = Math.round(size.height * scale);

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const io = new IntersectionObserver((e) => setNear(e.some((x) => x.isIntersecting)), { root, rootMargin: '100% 0px' });
    io.observe(el);
    return () => io.disconnect();
  }, [root]);

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!near || !canvas) return;
    let task: RenderTask | null = null;
    let cancelled = false;
    void pdf.getPage(pageNumber).then(async (page) => {
      if (cancelled) return;
      const viewport = page.getViewport({ scale });
      canvas.width = Math.floor(viewport.width);
      canvas.height = Math.floor(viewport.height);
      const ctx = canvas.getContext('2d');
      if (!ctx) return;
      task = page.render({ canvas, canvasContext: ctx, viewport });
      await task.promise.catch(() => undefined);
      if (!cancelled && watermark) drawWatermark(ctx, canvas.width, canvas.height, watermark.slice(0, 1));
    });
    return () => {
      cancelled = true;
      task?.cancel();
      canvas.width = 0;
      canvas.height = 0;
    };
  }, [near, pdf, pageNumber, scale, watermark]);

  return (
    <button ref={ref} type="button" className="ph-pdf-thumb" aria-current={current ? 'page' : undefined} aria-label={t('documents.viewer.goToPage', { n: pageNumber })} onClick={() => onPick(pageNumber)} data-testid={`thumb-${pageNumber}`}>
      <canvas ref={canvasRef} style={{ width: THUMB_WIDTH, height, display: 'block' }} aria-hidden />
      <span style={{ fontSize: 11 }}>{pageNumber}</span>
    </button>
  );
});

export function Thumbnails({ pdf, sizes, base, current, watermark, onPick }: { pdf: PDFDocumentProxy; sizes: Map<number, PageSize>; base: PageSize; current: number; watermark: string[] | null; onPick: (n: number) => void }) {
  const { t } = useTranslation();
  const [root, setRoot] = useState<HTMLElement | null>(null);
  return (
    <nav ref={setRoot} className="ph-pdf-thumbs" aria-label={t('documents.viewer.thumbnails')} style={{ width: THUMB_WIDTH + 36, flex: 'none' }} data-testid="viewer-thumbnails">
      {root &&
        Array.from({ length: pdf.numPages }, (_, i) => i + 1).map((n) => (
          <Thumb key={n} pdf={pdf} pageNumber={n} size={sizes.get(n) ?? base} root={root} current={n === current} watermark={watermark} onPick={onPick} />
        ))}
    </nav>
  );
}
