// Colours of the capacity map as packed 32-bit pixels (ImageData's RGBA byte order in a Uint32Array):
// a stable colour per set id, light and dark variants, and blending for partly used buckets.
// Pure: no DOM, testable in Node.

/** An sRGB colour, channels 0..255. */
export type Rgb = readonly [number, number, number];

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** `rgb` as one opaque pixel of a Uint32Array view over ImageData (byte order R, G, B, A). */
export function packRgb(rgb: Rgb): number {
  const [r, g, b] = rgb;
  return LITTLE_ENDIAN
    ? ((255 << 24) | (b << 16) | (g << 8) | r) >>> 0
    : ((r << 24) | (g << 16) | (b << 8) | 255) >>> 0;
}

/** The channels of a pixel packed by packRgb. */
export function unpackRgb(pixel: number): Rgb {
  return LITTLE_ENDIAN
    ? [pixel & 255, (pixel >>> 8) & 255, (pixel >>> 16) & 255]
    : [pixel >>> 24, (pixel >>> 16) & 255, (pixel >>> 8) & 255];
}

/** `a` moved towards `b` by `t` (0 = a, 1 = b), packed. */
export function mixRgb(a: Rgb, b: Rgb, t: number): number {
  return packRgb([
    Math.round(a[0] + (b[0] - a[0]) * t),
    Math.round(a[1] + (b[1] - a[1]) * t),
    Math.round(a[2] + (b[2] - a[2]) * t),
  ]);
}

/** HSL (h in degrees, s and l in 0..1) to sRGB. */
export function hslToRgb(h: number, s: number, l: number): Rgb {
  const c = (1 - Math.abs(2 * l - 1)) * s;
  const hp = (((h % 360) + 360) % 360) / 60;
  const x = c * (1 - Math.abs((hp % 2) - 1));
  const [r, g, b] =
    hp < 1
      ? [c, x, 0]
      : hp < 2
        ? [x, c, 0]
        : hp < 3
          ? [0, c, x]
          : hp < 4
            ? [0, x, c]
            : hp < 5
              ? [x, 0, c]
              : [c, 0, x];
  const m = l - c / 2;
  return [Math.round((r + m) * 255), Math.round((g + m) * 255), Math.round((b + m) * 255)];
}

const LIGHTNESS_LIGHT = [0.42, 0.56, 0.32];
const LIGHTNESS_DARK = [0.6, 0.72, 0.5];
const SATURATION = [0.72, 0.6, 0.85];

/**
 * The colour of set `sid`: hues a golden angle apart for consecutive sids (so neighbours differ),
 * three lightness/saturation steps, darker on a light background and lighter on a dark one. Always
 * saturated, so never confused with the grey/black free-pending stripes.
 */
export function sidRgb(sid: number, dark: boolean): Rgb {
  const n = Math.abs(Math.floor(sid));
  const hue = (n * 137.508) % 360;
  const step = Math.floor(n / 7) % 3;
  return hslToRgb(hue, SATURATION[step], (dark ? LIGHTNESS_DARK : LIGHTNESS_LIGHT)[step]);
}

/** `rgb` as a CSS colour `#rrggbb`. */
export function rgbToCss(rgb: Rgb): string {
  return `#${rgb.map((c) => c.toString(16).padStart(2, '0')).join('')}`;
}

/** Parses `#rgb`, `#rrggbb` and `rgb()/rgba()` (what a canvas normalises colours to); null otherwise. */
export function parseCssColour(text: string): Rgb | null {
  const s = text.trim().toLowerCase();
  let m = /^#([0-9a-f]{3})$/.exec(s);
  if (m) return [...m[1]].map((c) => Number.parseInt(c + c, 16)) as unknown as Rgb;
  m = /^#([0-9a-f]{6})([0-9a-f]{2})?$/.exec(s);
  if (m) {
    const v = Number.parseInt(m[1], 16);
    return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
  }
  m = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/.exec(s);
  if (m)
    return [Number(m[1]), Number(m[2]), Number(m[3])].map((c) =>
      Math.round(Math.min(255, c)),
    ) as unknown as Rgb;
  return null;
}

/**
 * An opaque `hsl(H S% L%)` or `hsl(H, S%, L%)` (H in degrees, no alpha) as RGB, as CSS converts it;
 * null for any other text. Parsed here, not through a canvas: a map of 1,000 sets parses 1,000 colours.
 */
export function parseHsl(text: string): Rgb | null {
  const m = /^hsl\(\s*(-?[\d.]+)(?:deg)?[\s,]+([\d.]+)%[\s,]+([\d.]+)%\s*\)$/.exec(text.trim().toLowerCase());
  if (!m) return null;
  const h = ((Number(m[1]) % 360) + 360) % 360;
  const sat = Math.min(100, Number(m[2])) / 100;
  const light = Math.min(100, Number(m[3])) / 100;
  const a = sat * Math.min(light, 1 - light);
  const f = (n: number) => {
    const k = (n + h / 30) % 12;
    return Math.round(255 * (light - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [f(0), f(8), f(4)];
}

/** The fixed colours of a map in one colour scheme. */
export interface SchemeColours {
  /** Between cells (the page background). */
  readonly gap: Rgb;
  /** A free cell. */
  readonly free: Rgb;
  /** Free-pending stripes: the dark (light scheme) or light (dark scheme) stripe, and the grey one. */
  readonly pendingA: Rgb;
  readonly pendingB: Rgb;
}

/** The map's fixed colours for the light or dark scheme (`gap` usually replaced by the page's --bg). */
export function schemeColours(dark: boolean): SchemeColours {
  return dark
    ? { gap: [13, 17, 23], free: [33, 38, 45], pendingA: [240, 243, 246], pendingB: [110, 118, 129] }
    : { gap: [255, 255, 255], free: [228, 232, 237], pendingA: [27, 31, 36], pendingB: [140, 149, 159] };
}
