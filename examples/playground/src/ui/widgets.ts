// The page's small widgets: a drawing pad, 28×28 images on canvases, the class-probability bars and the
// augmentation preview grid.
import { inkOf, mnistFromDrawing, SIDE } from '../digit';
import type { BatchPreview } from '../session';

/** A canvas to draw a digit on with the mouse, a pen or a finger (light strokes on black). */
export class DrawingPad {
  private readonly ctx: CanvasRenderingContext2D;
  private drawing = false;
  private last: { x: number; y: number } | null = null;
  private throttle = 0;

  /** `onChange` is called while drawing (at most every 150 ms) and when a stroke ends. */
  constructor(
    readonly canvas: HTMLCanvasElement,
    private readonly onChange: (pixels: Uint8Array) => void,
  ) {
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (ctx === null) throw new Error('no 2d canvas');
    this.ctx = ctx;
    this.clear();
    canvas.addEventListener('pointerdown', (e) => {
      canvas.setPointerCapture(e.pointerId);
      this.drawing = true;
      this.last = this.point(e);
      this.stroke(this.last);
    });
    canvas.addEventListener('pointermove', (e) => {
      if (!this.drawing) return;
      this.stroke(this.point(e));
      const now = performance.now();
      if (now - this.throttle > 150) {
        this.throttle = now;
        this.onChange(this.pixels());
      }
    });
    const end = () => {
      if (!this.drawing) return;
      this.drawing = false;
      this.last = null;
      this.onChange(this.pixels());
    };
    canvas.addEventListener('pointerup', end);
    canvas.addEventListener('pointercancel', end);
  }

  private point(e: PointerEvent): { x: number; y: number } {
    const r = this.canvas.getBoundingClientRect();
    return {
      x: ((e.clientX - r.left) * this.canvas.width) / r.width,
      y: ((e.clientY - r.top) * this.canvas.height) / r.height,
    };
  }

  private stroke(p: { x: number; y: number }): void {
    const { ctx } = this;
    ctx.strokeStyle = '#fff';
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.lineWidth = this.canvas.width / 12;
    ctx.beginPath();
    const from = this.last ?? p;
    ctx.moveTo(from.x, from.y);
    ctx.lineTo(p.x + 0.01, p.y);
    ctx.stroke();
    this.last = p;
  }

  clear(): void {
    this.ctx.fillStyle = '#000';
    this.ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
  }

  /** The drawing as an MNIST-style 28×28 image. */
  pixels(): Uint8Array {
    const { width, height } = this.canvas;
    return mnistFromDrawing(inkOf(this.ctx.getImageData(0, 0, width, height)), width, height);
  }
}

/** Draws `count` 28×28 gray images (bytes) in a row-major grid of `columns` on `canvas`, at `scale`. */
export function drawImages(
  canvas: HTMLCanvasElement,
  images: Uint8Array,
  count: number,
  columns: number,
  scale: number,
): void {
  const rows = Math.ceil(count / columns);
  canvas.width = columns * SIDE * scale;
  canvas.height = rows * SIDE * scale;
  const ctx = canvas.getContext('2d');
  if (ctx === null) return;
  ctx.imageSmoothingEnabled = false;
  const tile = new ImageData(SIDE, SIDE);
  const tmp = document.createElement('canvas');
  tmp.width = SIDE;
  tmp.height = SIDE;
  const tctx = tmp.getContext('2d');
  if (tctx === null) return;
  for (let k = 0; k < count; k++) {
    for (let i = 0; i < SIDE * SIDE; i++) {
      const v = images[k * SIDE * SIDE + i];
      tile.data.set([v, v, v, 255], 4 * i);
    }
    tctx.putImageData(tile, 0, 0);
    ctx.drawImage(
      tmp,
      (k % columns) * SIDE * scale,
      Math.floor(k / columns) * SIDE * scale,
      SIDE * scale,
      SIDE * scale,
    );
  }
}

/** The augmentation preview: the batch's first images as loaded (top row) and augmented (bottom row). */
export function drawPreview(canvas: HTMLCanvasElement, p: BatchPreview): void {
  const both = new Uint8Array(2 * p.count * SIDE * SIDE);
  both.set(p.original);
  both.set(p.augmented, p.count * SIDE * SIDE);
  drawImages(canvas, both, 2 * p.count, p.count, 3);
}

/** Ten bars, one per class, the most probable highlighted. */
export function renderProbabilities(
  target: HTMLElement,
  classes: readonly string[],
  probs: number[],
  label?: number,
): void {
  const best = probs.indexOf(Math.max(...probs));
  target.replaceChildren(
    ...probs.map((p, k) => {
      const row = document.createElement('div');
      row.className = `prob${k === best ? ' best' : ''}${k === label ? ' truth' : ''}`;
      row.dataset.class = String(k);
      row.dataset.p = p.toFixed(6);
      const name = document.createElement('span');
      name.className = 'name';
      name.textContent = classes[k] ?? String(k);
      const bar = document.createElement('span');
      bar.className = 'bar';
      const fill = document.createElement('span');
      fill.style.width = `${(100 * p).toFixed(1)}%`;
      bar.append(fill);
      const value = document.createElement('span');
      value.className = 'value';
      value.textContent = `${(100 * p).toFixed(1)} %`;
      row.append(name, bar, value);
      return row;
    }),
  );
}
