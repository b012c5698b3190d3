// Image media types from magic bytes: any binary column may hold images, whatever it is called.

export type ImageMedia = 'image/jpeg' | 'image/png' | 'image/gif' | 'image/webp' | 'image/bmp';

export function sniffImage(b: Uint8Array): ImageMedia | undefined {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47 && b[4] === 0x0d && b[5] === 0x0a && b[6] === 0x1a && b[7] === 0x0a) return 'image/png';
  if (b.length >= 6 && b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x38 && (b[4] === 0x37 || b[4] === 0x39) && b[5] === 0x61) return 'image/gif';
  if (b.length >= 12 && b[0] === 0x52 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x46 && b[8] === 0x57 && b[9] === 0x45 && b[10] === 0x42 && b[11] === 0x50) return 'image/webp';
  if (b.length >= 14 && b[0] === 0x42 && b[1] === 0x4d) return 'image/bmp';
  return undefined;
}

export function hexHead(b: Uint8Array, n = 16): string {
  let s = '';
  for (let i = 0; i < Math.min(n, b.length); i++) s += (i ? ' ' : '') + b[i].toString(16).padStart(2, '0');
  return s;
}
