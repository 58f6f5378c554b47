/**
 * Drawn over each rendered page of the viewer (a PAGE_OVERLAYS entry): both layers' marks, and,
 * when a tool is chosen, the pointer (mouse, pen or touch) drawing, erasing or placing notes.
 * With no tool the layer lets the pointer through to the page (text selection, scrolling).
 */
import { Button, Group, Paper, Textarea } from '@mantine/core';
import { useRef, useState, type PointerEvent as ReactPointerEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { drawsWith, notePointer, touchActionFor, usePenSeen } from './pointer-policy';
import type { PageOverlayProps } from '../documents/page-overlays';
import type { Stroke } from './annotation-engine';
import { NOTE_SIZE, type Mark } from './mark-model';
import { useAnnotationEngine, useAnnotationState, usePageMarks } from './use-annotations';

interface Draft {
  x: number;
  y: number;
  text: string;
}

export function AnnotationLayer({ meetingId, documentId, versionId, pageNumber, width, height }: PageOverlayProps) {
  const { t } = useTranslation();
  const engine = useAnnotationEngine(meetingId, documentId, versionId);
  const state = useAnnotationState(engine);
  const marks = usePageMarks(engine, pageNumber);
  const stroke = useRef<Stroke | null>(null);
  const erasing = useRef(false);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [hovered, setHovered] = useState<Mark | null>(null);
  const pen = usePenSeen();
  const [penHovering, setPenHovering] = useState(false);
  if (!engine || !state) return null;

  const tool = state.tool;
  const active = tool !== 'none' && engine.canDraw;
  const aspect = height / width;
  const at = (e: { clientX: number; clientY: number }, rect: DOMRect) => [(e.clientX - rect.left) / rect.width, (e.clientY - rect.top) / rect.height] as const;

  const onDown = (e: ReactPointerEvent<SVGSVGElement>) => {
    notePointer(e.pointerType);
    // A finger on a device with a pen scrolls (touch-action lets the browser do it): no stroke.
    if (!active || e.button > 0 || !drawsWith(e.pointerType, pen || e.pointerType === 'pen')) return;
    const rect = e.currentTarget.getBoundingClientRect();
    const [x, y] = at(e, rect);
    e.preventDefault();
    if (tool === 'note') {
      setDraft({ x, y, text: '' });
      return;
    }
    e.currentTarget.setPointerCapture(e.pointerId);
    if (tool === 'eraser') {
      erasing.current = true;
      engine.eraseAt(pageNumber, x, y, aspect);
      return;
    }
    stroke.current = engine.beginStroke(pageNumber, x, y);
  };

  const onMove = (e: ReactPointerEvent<SVGSVGElement>) => {
    if (!stroke.current && !erasing.current) return;
    const rect = e.currentTarget.getBoundingClientRect();
    const events = typeof e.nativeEvent.getCoalescedEvents === 'function' ? e.nativeEvent.getCoalescedEvents() : [];
    for (const ev of events.length > 0 ? events : [e.nativeEvent]) {
      const [x, y] = at(ev, rect);
      if (stroke.current) stroke.current.add(x, y);
      else engine.eraseAt(pageNumber, x, y, aspect);
    }
  };

  const onUp = () => {
    stroke.current?.end();
    stroke.current = null;
    erasing.current = false;
  };

  const saveDraft = () => {
    if (draft) engine.addNote(pageNumber, draft.x, draft.y, draft.text);
    setDraft(null);
  };

  const layers = [
    ['shared', marks.shared],
    ['private', marks.private],
  ] as const;
  const fontSize = Math.max(9, width * 0.016);

  return (
    <div style={{ position: 'absolute', inset: 0, pointerEvents: 'none' }} data-testid="annotation-layer" data-page={pageNumber}>
      <svg
        width={width}
        height={height}
        viewBox={`0 0 ${width} ${height}`}
        style={{ position: 'absolute', inset: 0, pointerEvents: active ? 'auto' : 'none', touchAction: touchActionFor(active, pen, penHovering), cursor: active ? (tool === 'eraser' ? 'cell' : tool === 'note' ? 'text' : 'crosshair') : 'default' }}
        onPointerDown={onDown}
        onPointerMove={onMove}
        onPointerUp={onUp}
        onPointerCancel={onUp}
        onPointerOver={(e) => e.pointerType === 'pen' && (notePointer('pen'), setPenHovering(true))}
        onPointerLeave={(e) => e.pointerType === 'pen' && setPenHovering(false)}
        data-touch-action={touchActionFor(active, pen, penHovering)}
        aria-label={t('annotations.layerLabel', { page: pageNumber })}
        role="img"
        data-testid="annotation-surface"
      >
        {layers.map(([layer, list]) =>
          list
            .filter((m) => m.tool !== 'note')
            .map((m) => (
              <MarkShape key={`${layer}:${m.id}`} mark={m} layer={layer} width={width} height={height} onHover={setHovered} youLabel={t('annotations.privateMark')} />
            )),
        )}
      </svg>
      {layers.map(([layer, list]) =>
        list
          .filter((m) => m.tool === 'note')
          .map((m) => (
            <div
              key={`${layer}:${m.id}`}
              data-testid="annotation-note"
              data-mark-id={m.id}
              data-layer={layer}
              data-author-name={m.authorName}
              title={layer === 'shared' ? t('annotations.by', { name: m.authorName }) : t('annotations.privateMark')}
              style={{
                position: 'absolute',
                left: (m.points[0] ?? 0) * width,
                top: (m.points[1] ?? 0) * height,
                width: NOTE_SIZE.w * width,
                minHeight: NOTE_SIZE.h * width,
                background: layer === 'shared' ? '#fef3c7' : '#e0e7ff',
                border: `1px ${layer === 'shared' ? 'solid #f59e0b' : 'dashed #6366f1'}`,
                borderRadius: 4,
                padding: 4,
                fontSize,
                lineHeight: 1.3,
                whiteSpace: 'pre-wrap',
                overflowWrap: 'anywhere',
                color: '#111827',
                pointerEvents: 'auto',
                boxShadow: '0 1px 3px rgba(0,0,0,.2)',
              }}
            >
              <div style={{ fontSize: fontSize * 0.8, fontWeight: 600, opacity: 0.75 }}>{layer === 'shared' ? m.authorName : t('annotations.privateMark')}</div>
              {m.text}
            </div>
          )),
      )}
      {hovered && hovered.points.length >= 2 && (
        <div
          data-testid="annotation-author"
          style={{ position: 'absolute', left: hovered.points[0]! * width + 6, top: Math.max(0, hovered.points[1]! * height - 22), background: 'rgba(17,24,39,.85)', color: 'white', fontSize: 12, padding: '1px 6px', borderRadius: 4, pointerEvents: 'none', whiteSpace: 'nowrap' }}
        >
          {hovered.authorName}
        </div>
      )}
      {draft && (
        <Paper shadow="md" p="xs" withBorder style={{ position: 'absolute', left: Math.min(draft.x * width, width - 240), top: draft.y * height, width: 240, pointerEvents: 'auto', zIndex: 5 }}>
          <Textarea
            autoFocus
            autosize
            minRows={2}
            maxLength={2000}
            aria-label={t('annotations.noteText')}
            placeholder={t('annotations.notePlaceholder')}
            value={draft.text}
            onChange={(e) => setDraft({ ...draft, text: e.currentTarget.value })}
            onKeyDown={(e) => {
              if (e.key === 'Escape') setDraft(null);
              if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) saveDraft();
            }}
          />
          <Group justify="flex-end" gap="xs" mt="xs">
            <Button size="compact-sm" variant="default" onClick={() => setDraft(null)}>
              {t('annotations.cancel')}
            </Button>
            <Button size="compact-sm" onClick={saveDraft} disabled={!draft.text.trim()}>
              {t('annotations.saveNote')}
            </Button>
          </Group>
        </Paper>
      )}
    </div>
  );
}

function MarkShape({ mark, layer, width, height, onHover, youLabel }: { mark: Mark; layer: 'shared' | 'private'; width: number; height: number; onHover: (m: Mark | null) => void; youLabel: string }) {
  const p = mark.points;
  const strokeWidth = Math.max(1, mark.width * width);
  const highlighter = mark.tool === 'highlighter';
  const common = {
    'data-testid': 'annotation-mark',
    'data-mark-id': mark.id,
    'data-layer': layer,
    'data-tool': mark.tool,
    'data-author-name': mark.authorName,
    'data-points': String(p.length / 2),
    onPointerEnter: () => onHover(mark),
    onPointerLeave: () => onHover(null),
    style: { pointerEvents: 'visibleStroke' as const, mixBlendMode: highlighter ? ('multiply' as const) : undefined },
  };
  const title = <title>{layer === 'shared' ? mark.authorName : youLabel}</title>;
  if (p.length === 2) {
    return (
      <circle {...common} cx={p[0]! * width} cy={p[1]! * height} r={strokeWidth / 2} fill={mark.color} fillOpacity={highlighter ? 0.4 : 1} style={{ ...common.style, pointerEvents: 'visibleFill' }}>
        {title}
      </circle>
    );
  }
  let d = '';
  for (let i = 0; i + 1 < p.length; i += 2) d += `${i === 0 ? 'M' : 'L'}${(p[i]! * width).toFixed(1)} ${(p[i + 1]! * height).toFixed(1)}`;
  return (
    <path {...common} d={d} fill="none" stroke={mark.color} strokeOpacity={highlighter ? 0.4 : 1} strokeWidth={strokeWidth} strokeLinecap={highlighter ? 'square' : 'round'} strokeLinejoin="round">
      {title}
    </path>
  );
}
