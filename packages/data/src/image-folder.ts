import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { createDataset, type Dataset } from './dataset';
import { type DecodedImage, decodeImageBytes } from './decode';
import { checkSize, convertChannels, resizeImage } from './resize';

/** Options of {@link loadImageFolder}. */
export interface LoadImageFolderOptions {
  /**
   * Resize every image to `[height, width]` (one number: a square), bilinear. Default: keep each
   * image's size, which must then be the same for all (an image of another size is an error).
   */
  size?: number | readonly [number, number];
  /** Channels of the dataset: 1 (gray), 3 (RGB, default, as torchvision's loader) or 4 (RGBA). */
  channels?: 1 | 3 | 4;
  /** `'fill'` (default): stretch to `size`; `'cover'`: keep the aspect ratio and crop the center. See {@link resizeImage}. */
  fit?: 'fill' | 'cover';
  /** Antialiased downscaling, as PIL (default true). See {@link resizeImage}. */
  antialias?: boolean;
  /** Called after each image is decoded, with how many are done, the total and the file. */
  onProgress?: (progress: ImageFolderProgress) => void;
  /** Stops the load: the promise rejects with the signal's reason and nothing is returned. */
  signal?: AbortSignal;
}

/** What {@link LoadImageFolderOptions.onProgress} receives. */
export interface ImageFolderProgress {
  /** Images decoded so far, including `file`. */
  loaded: number;
  /** Images to decode in all. */
  total: number;
  /** The image just decoded (a path under the root). */
  file: string;
}

/** A {@link Dataset} from an image folder, with torchvision ImageFolder's class map and each sample's file. */
export interface ImageFolderDataset extends Dataset {
  /** Class name → label: the class folders, sorted. */
  readonly classToIndex: Readonly<Record<string, number>>;
  /** The file of each sample (root joined with the class folder and the file name). */
  readonly files: readonly string[];
}

const LOADED = ['.png', '.jpg', '.jpeg'];
const REFUSED = ['.gif', '.bmp', '.webp', '.tif', '.tiff', '.ppm', '.pgm', '.pbm', '.heic', '.heif', '.avif'];

/**
 * Loads an image-classification folder in torchvision's `ImageFolder` layout: one sub-folder per
 * class, named after it, holding PNG and JPEG files (`root/cat/001.jpg`, `root/dog/xyz.png`, also in
 * nested folders). Classes are the sub-folder names sorted (code-point order, as Python's `sorted`),
 * labels their index; samples come class by class, files in sorted path order, as torchvision's.
 *
 * Each file is decoded ({@link decodeImage}), converted to `channels` ({@link convertChannels}) and
 * resized to `size` ({@link resizeImage}) in JavaScript: no tensors are created. Files and folders
 * whose names start with '.' are skipped (torchvision would take a `.ipynb_checkpoints` folder as a
 * class); other files that are not `.png`/`.jpg`/`.jpeg` are ignored, except other image formats
 * (GIF, BMP, WebP, TIFF, …), which are an error rather than silently left out.
 *
 * All or nothing: an unreadable or undecodable file is an error naming it and why, and no dataset is
 * returned. The folder is listed and checked (empty classes, other formats) before any image is
 * decoded. Pixels are kept as uint8: N images of H×W×C take N·H·W·C bytes.
 *
 * Node only (it reads the file system); in a browser, decode with {@link decodeImage} and build the
 * dataset with `createDataset`.
 *
 * @example
 * const ds = await loadImageFolder('data/train', {
 *   size: 224,
 *   fit: 'cover',
 *   onProgress: ({ loaded, total }) => process.stdout.write(`\r${loaded}/${total}`),
 * });
 * ds.classes; // ['cat', 'dog']
 * for (const { x, y } of batches(ds, { batchSize: 32, shuffle: true, rng })) { ... }
 */
export async function loadImageFolder(
  root: string,
  options: LoadImageFolderOptions = {},
): Promise<ImageFolderDataset> {
  const fail = (what: string, cause?: unknown): never => {
    throw new Error(`loadImageFolder: ${what}`, cause === undefined ? undefined : { cause });
  };
  const channels = options.channels ?? 3;
  if (channels !== 1 && channels !== 3 && channels !== 4) fail(`channels must be 1, 3 or 4, got ${channels}`);
  const size = options.size === undefined ? undefined : checkSize(options.size, 'loadImageFolder');
  const fit = options.fit ?? 'fill';
  if (fit !== 'fill' && fit !== 'cover') fail(`fit must be 'fill' or 'cover', got '${fit}'`);
  const { onProgress, signal } = options;
  signal?.throwIfAborted();

  const rootStat = await stat(root).catch(() => undefined);
  if (!rootStat?.isDirectory()) fail(`${root} is not a folder${rootStat ? '' : ' (it does not exist)'}`);
  const classes = (await readdir(root, { withFileTypes: true }))
    .filter((e) => !e.name.startsWith('.'))
    .map((e) => e.name);
  const classDirs: string[] = [];
  for (const name of classes) {
    if ((await stat(join(root, name)).catch(() => undefined))?.isDirectory()) classDirs.push(name);
  }
  classDirs.sort();
  if (classDirs.length === 0) {
    fail(
      `no class folders in ${root}: expected one sub-folder per class (e.g. ${join(root, 'cat', '001.jpg')})`,
    );
  }
  if (classDirs.length > 256) {
    fail(`${classDirs.length} class folders in ${root}: at most 256 classes (labels are uint8)`);
  }

  const files: string[] = [];
  const labels: number[] = [];
  const refused: string[] = [];
  const empty: string[] = [];
  for (let c = 0; c < classDirs.length; c++) {
    const found = await listImages(join(root, classDirs[c]), refused);
    if (found.length === 0) empty.push(classDirs[c]);
    for (const f of found) {
      files.push(f);
      labels.push(c);
    }
  }
  if (refused.length > 0) {
    const shown = refused.slice(0, 5).map((f) => relative(root, f).split(sep).join('/'));
    fail(
      `${refused.length} file(s) in ${root} are images in a format other than PNG or JPEG ` +
        `(${shown.join(', ')}${refused.length > 5 ? ', …' : ''}): convert them to PNG or JPEG, or move them out`,
    );
  }
  if (empty.length > 0) fail(`no PNG or JPEG file in the class folder(s) ${empty.join(', ')} of ${root}`);

  const total = files.length;
  let h = size?.[0] ?? 0;
  let w = size?.[1] ?? 0;
  let images: Uint8Array | undefined;
  const allocate = () => {
    try {
      images = new Uint8Array(total * h * w * channels);
    } catch (cause) {
      fail(
        `${total} images of ${h}×${w}×${channels} need ${((total * h * w * channels) / 2 ** 30).toFixed(1)} GiB: ` +
          'pass a smaller size, or load part of the folder',
        cause,
      );
    }
  };
  if (size) allocate();
  let firstFile = '';
  // Read the next file while this one decodes; a read that is never awaited must not reject unhandled.
  const read = (i: number) => {
    const p = readFile(files[i]);
    p.catch(() => {});
    return p;
  };
  let next = read(0);
  for (let i = 0; i < total; i++) {
    const file = files[i];
    let bytes: Uint8Array;
    try {
      bytes = await next;
    } catch (cause) {
      return fail(`${file}: cannot read (${(cause as NodeJS.ErrnoException).code ?? cause})`, cause);
    }
    signal?.throwIfAborted();
    if (i + 1 < total) next = read(i + 1);
    let image: DecodedImage;
    try {
      image = convertChannels(await decodeImageBytes(bytes), channels);
    } catch (cause) {
      return fail(`${file}: ${(cause as Error).message}`, cause);
    }
    if (size) {
      if (image.height !== h || image.width !== w) {
        image = resizeImage(image, { size, fit, antialias: options.antialias });
      }
    } else if (i === 0) {
      [h, w, firstFile] = [image.height, image.width, file];
      allocate();
    } else if (image.height !== h || image.width !== w) {
      fail(
        `${file} is ${image.width}×${image.height} (width×height) but ${firstFile} is ${w}×${h}: ` +
          'pass { size } to resize every image to one size',
      );
    }
    (images as Uint8Array).set(image.data, i * h * w * channels);
    onProgress?.({ loaded: i + 1, total, file });
  }
  const dataset = createDataset({
    images: images as Uint8Array,
    labels: Uint8Array.from(labels),
    height: h,
    width: w,
    channels,
    classes: classDirs,
    files,
  });
  const classToIndex: Record<string, number> = {};
  classDirs.forEach((name, i) => {
    classToIndex[name] = i;
  });
  return { ...dataset, files, classToIndex: Object.freeze(classToIndex) };
}

/**
 * The PNG and JPEG files under `dir`, in torchvision's order (folders sorted by path, files sorted
 * within each), following symbolic links; other image formats go to `refused`.
 */
async function listImages(dir: string, refused: string[]): Promise<string[]> {
  const folders: { path: string; files: string[] }[] = [];
  const seen = new Set<string>();
  const walk = async (path: string): Promise<void> => {
    const s = await stat(path);
    const key = `${s.dev}:${s.ino}`;
    if (seen.has(key)) return; // a symbolic link back up the tree
    seen.add(key);
    const here: string[] = [];
    folders.push({ path, files: here });
    for (const entry of await readdir(path, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const full = join(path, entry.name);
      const isDir =
        entry.isDirectory() ||
        (entry.isSymbolicLink() && (await stat(full).catch(() => undefined))?.isDirectory());
      if (isDir) {
        await walk(full);
        continue;
      }
      const lower = entry.name.toLowerCase();
      if (LOADED.some((e) => lower.endsWith(e))) here.push(full);
      else if (REFUSED.some((e) => lower.endsWith(e))) refused.push(full);
    }
  };
  await walk(dir);
  // Python's sorted() on strings compares code points; so does the default sort for these names
  // outside the astral planes.
  folders.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return folders.flatMap((f) => f.files.sort());
}
