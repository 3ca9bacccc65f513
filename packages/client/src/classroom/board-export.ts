// A static import: the standalone bundle is one file an embedder serves (a dynamic import would
// split pdf-lib into a chunk beside it).
import { PDFDocument } from 'pdf-lib';
import { BOARD_HEIGHT, BOARD_WIDTH, type BoardShape } from '@cosmo/core';
import { paintPage, type BoardImages } from './board-paint.js';

/** One board page as a 1600 × 900 PNG (handout images loaded first; tainted ones left out). */
export async function pagePng(
  shapes: readonly BoardShape[],
  images: BoardImages | undefined,
): Promise<Blob> {
  if (images)
    await Promise.all(shapes.filter((s) => s.t === 'image').map((s) => images.ready(s.handoutId)));
  const canvas = document.createElement('canvas');
  canvas.width = BOARD_WIDTH;
  canvas.height = BOARD_HEIGHT;
  paintPage(canvas.getContext('2d')!, shapes, 1, { images, exporting: true });
  return new Promise((resolve, reject) =>
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('no PNG'))), 'image/png'),
  );
}

/**
 * The whole board as a PDF, one PDF page (16:9, 960 × 540 pt) per board page, each the page's
 * PNG. `progress(done, total)` is called after each page; the work yields between pages so the
 * page stays responsive on a long board.
 */
export async function boardPdf(
  pages: readonly (readonly BoardShape[])[],
  images: BoardImages | undefined,
  progress: (done: number, total: number) => void,
  title = 'Board',
): Promise<Blob> {
  const pdf = await PDFDocument.create();
  pdf.setTitle(title);
  pdf.setCreator('Cosmo Classroom');
  const width = 960;
  const height = (width * BOARD_HEIGHT) / BOARD_WIDTH;
  progress(0, pages.length);
  for (const [i, shapes] of pages.entries()) {
    const png = await pdf.embedPng(await (await pagePng(shapes, images)).arrayBuffer());
    pdf.addPage([width, height]).drawImage(png, { x: 0, y: 0, width, height });
    progress(i + 1, pages.length);
    await new Promise((r) => setTimeout(r, 0));
  }
  // Without object streams: older readers (and a quick page count) understand it.
  const bytes = await pdf.save({ useObjectStreams: false });
  return new Blob([bytes as BlobPart], { type: 'application/pdf' });
}

/** Saves a blob as a file (a download). */
export function download(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}
