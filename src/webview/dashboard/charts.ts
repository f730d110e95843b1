// Small SVG charts drawn by hand: no chart library, nothing inline that the CSP would refuse.
const NS = 'http://www.w3.org/2000/svg';

function svg(tag: string, attributes: Record<string, string | number>): SVGElement {
  const element = document.createElementNS(NS, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  return element;
}

export interface Bar {
  label: string;
  value: number;
  /** Part of `value` drawn in the error colour. */
  errors?: number;
  /** Requests refused on top of `value` (not part of it), stacked above in their own colour. */
  throttles?: number;
  /** A second series drawn as a line (e.g. p95 duration), on its own scale. */
  line?: number;
}

/**
 * Invocations as bars (errors in red, throttled requests stacked on top) with an optional p95
 * line over them.
 */
export function barChart(
  bars: Bar[],
  options: { width?: number; height?: number; title: string },
): SVGElement {
  const width = options.width ?? 640;
  const height = options.height ?? 160;
  const pad = { top: 10, right: 8, bottom: 18, left: 32 };
  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', class: 'chart' });
  const title = svg('title', {});
  title.textContent = options.title;
  root.append(title);
  const max = Math.max(1, ...bars.map((b) => b.value + (b.throttles ?? 0)));
  const lineMax = Math.max(0, ...bars.map((b) => b.line ?? 0));
  const innerW = width - pad.left - pad.right;
  const innerH = height - pad.top - pad.bottom;
  const step = innerW / Math.max(1, bars.length);
  const y = (v: number) => pad.top + innerH - (v / max) * innerH;
  for (const tick of [0, Math.ceil(max / 2), max]) {
    root.append(
      svg('line', { x1: pad.left, x2: width - pad.right, y1: y(tick), y2: y(tick), class: 'grid' }),
    );
    const text = svg('text', {
      x: pad.left - 4,
      y: y(tick) + 4,
      class: 'axis',
      'text-anchor': 'end',
    });
    text.textContent = String(tick);
    root.append(text);
  }
  bars.forEach((bar, i) => {
    const x = pad.left + i * step + step * 0.15;
    const w = step * 0.7;
    const ok = bar.value - (bar.errors ?? 0);
    if (ok > 0)
      root.append(
        svg('rect', { x, y: y(bar.value), width: w, height: y(0) - y(ok), class: 'bar' }),
      );
    if (bar.errors)
      root.append(
        svg('rect', {
          x,
          y: y(bar.errors),
          width: w,
          height: y(0) - y(bar.errors),
          class: 'bar-error',
        }),
      );
    if (bar.throttles)
      root.append(
        svg('rect', {
          x,
          y: y(bar.value + bar.throttles),
          width: w,
          height: y(bar.value) - y(bar.value + bar.throttles),
          class: 'bar-throttle',
        }),
      );
    const tip = svg('title', {});
    tip.textContent = `${bar.label}: ${bar.value} invocations, ${bar.errors ?? 0} errors, ${bar.throttles ?? 0} throttles${bar.line !== undefined ? `, p95 ${bar.line.toFixed(1)} ms` : ''}`;
    root.lastChild?.appendChild(tip);
    if (i % Math.ceil(bars.length / 6) === 0) {
      const text = svg('text', {
        x: x + w / 2,
        y: height - 4,
        class: 'axis',
        'text-anchor': 'middle',
      });
      text.textContent = bar.label;
      root.append(text);
    }
  });
  if (lineMax > 0) {
    const points = bars
      .map((bar, i) =>
        bar.line === undefined
          ? undefined
          : `${pad.left + i * step + step / 2},${pad.top + innerH - (bar.line / lineMax) * innerH}`,
      )
      .filter(Boolean)
      .join(' ');
    root.append(svg('polyline', { points, class: 'line' }));
  }
  return root;
}

/** A horizontal gauge: used against available (memory), with a marker at 100%. */
export function gauge(used: number, total: number, label: string): SVGElement {
  const width = 160;
  const root = svg('svg', { viewBox: `0 0 ${width} 12`, class: 'gauge', role: 'img' });
  const title = svg('title', {});
  title.textContent = label;
  root.append(title);
  root.append(svg('rect', { x: 0, y: 2, width, height: 8, class: 'gauge-track' }));
  const share = Math.min(1, used / Math.max(1, total));
  root.append(
    svg('rect', {
      x: 0,
      y: 2,
      width: width * share,
      height: 8,
      class: share > 0.9 ? 'gauge-hot' : 'gauge-fill',
    }),
  );
  return root;
}
