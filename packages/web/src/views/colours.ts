// A stable colour per set for the map and the charts: spread around the hue circle by the golden angle,
// readable in light and dark schemes.

/** The colour of set `sid`. */
export function colorOf(sid: number): string {
  const hue = (sid * 137.508) % 360;
  return `hsl(${hue.toFixed(1)} 65% 50%)`;
}
