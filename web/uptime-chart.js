// Availability over time, drawn by uPlot (served from node_modules at /vendor/uplot
// like Leaflet): daily uptime % of a camera or a commune from /api/uptime/series.

import { api, query } from './api.js';
import { addStrings, t } from './i18n.js';

addStrings({
  vi: {
    'chart.uptime': 'Tỉ lệ hoạt động (%)',
    'chart.camera': 'Camera {code}, 30 ngày',
    'chart.commune': 'Xã {name}, 30 ngày',
    'chart.none': 'Chưa có số liệu.',
  },
  en: { 'chart.uptime': 'Uptime (%)', 'chart.camera': 'Camera {code}, 30 days', 'chart.commune': 'Commune {name}, 30 days', 'chart.none': 'No figures yet.' },
});

let loading = null;
/** Loads uPlot once, on first use: the map's first load does not pay for it. */
function loadUplot() {
  if (window.uPlot) return Promise.resolve(window.uPlot);
  loading ??= new Promise((resolve, reject) => {
    const css = document.createElement('link');
    css.rel = 'stylesheet';
    css.href = '/vendor/uplot/uPlot.min.css';
    document.head.appendChild(css);
    const script = document.createElement('script');
    script.src = '/vendor/uplot/uPlot.iife.min.js';
    script.onload = () => resolve(window.uPlot);
    script.onerror = () => reject(new Error('uPlot did not load'));
    document.head.appendChild(script);
  });
  return loading;
}

/**
 * Draws the last 30 days of a scope's daily uptime into el (replacing what was there).
 * @param scope 'camera' | 'commune'
 */
export async function drawUptimeChart(el, scope, code, title) {
  const [uPlot, series] = await Promise.all([loadUplot(), api(`/api/uptime/series?${query({ scope, code })}`)]);
  el.replaceChildren();
  const caption = document.createElement('div');
  caption.className = 'chart-title';
  caption.textContent = title;
  el.appendChild(caption);
  const known = series.points.filter((p) => p.uptime_pct !== null);
  if (known.length === 0) {
    const none = document.createElement('p');
    none.className = 'muted';
    none.textContent = t('chart.none');
    el.appendChild(none);
    return null;
  }
  const xs = series.points.map((p) => Date.parse(p.from) / 1000);
  const ys = series.points.map((p) => p.uptime_pct);
  const width = Math.max(200, Math.min(el.clientWidth || 340, 360));
  return new uPlot(
    {
      width,
      height: 140,
      scales: { y: { range: [0, 100] } },
      legend: { show: false },
      series: [{}, { label: t('chart.uptime'), stroke: '#2e7d32', fill: 'rgba(46,125,50,0.15)', spanGaps: false }],
      axes: [{}, { size: 36 }],
    },
    [xs, ys],
    el,
  );
}
