/**
 * The paged grid: as many tiles per page as fit the screen (up to 5×5 on a PC, fewer on a phone, or
 * the user's cap), each page's tiles as large as the area allows. Only the current page is mounted,
 * so only its tiles are reported to the engine as on screen.
 */
import { Box, Stack } from '@mantine/core';
import { useRef, useState } from 'react';
import { RoomTile, type RoomTileContext } from '../RoomTile';
import { useElementSize } from '../use-element-size';
import { clampPage, fitGrid, pageCount, pageShape, pageSlice, TILE_GAP, type TileItem } from './layout-model';
import { Pager } from './Pager';

const PAGER_HEIGHT = 40;

export function GridLayout({ items, ctx, tilesPerPage }: { items: TileItem[]; ctx: RoomTileContext; tilesPerPage: number | null }) {
  const ref = useRef<HTMLDivElement>(null);
  const size = useElementSize(ref);
  const [page, setPage] = useState(0);
  const height = Math.max(0, size.height - PAGER_HEIGHT);
  const shape = pageShape(size.width, height, tilesPerPage);
  const pages = pageCount(items.length, shape.size);
  const current = clampPage(page, items.length, shape.size);
  const visible = pageSlice(items, current, shape.size);
  const fit = fitGrid(visible.length, size.width, height, shape.cols);
  const ready = size.width > 0 && fit.tileWidth > 0;
  return (
    <Stack ref={ref} flex={1} gap={0} style={{ minHeight: 0, minWidth: 0 }} data-testid="video-grid" data-layout="grid" data-page-size={shape.size}>
      <Box
        flex={1}
        style={{
          display: 'flex',
          flexWrap: 'wrap',
          alignContent: 'center',
          justifyContent: 'center',
          gap: TILE_GAP,
          margin: '0 auto',
          width: ready ? fit.cols * fit.tileWidth + (fit.cols - 1) * TILE_GAP + 1 : '100%',
          minHeight: 0,
        }}
      >
        {ready && visible.map((item) => <RoomTile key={item.key} item={item} ctx={ctx} width={fit.tileWidth} height={fit.tileHeight} />)}
      </Box>
      <Box h={PAGER_HEIGHT} pt={6}>
        <Pager page={current} pages={pages} onPage={setPage} testId="grid-pager" />
      </Box>
    </Stack>
  );
}
