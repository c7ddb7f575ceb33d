/* global document, window, getComputedStyle, ResizeObserver */
import { el } from './dom.js';

/** Hand-drawn canvas charts (no chart library): grouped bars by strike, and lines through the day. */

const PAD = { left: 52, right: 12, top: 24, bottom: 24 };
const IST_OFFSET_MS = 19_800_000;

export const color = (name) =>
  getComputedStyle(document.documentElement).getPropertyValue(`--${name}`).trim();

/** About `count` round steps covering [min, max]. */
function ticks(min, max, count = 4) {
  const raw = (max - min) / count || 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? raw;
  const values = [];
  for (let value = Math.ceil(min / step) * step; value <= max + step * 1e-9; value += step)
    values.push(value);
  return values;
}

function prepare(canvas) {
  const width = canvas.clientWidth;
  const height = canvas.clientHeight;
  if (!width || !height) return null;
  const ratio = window.devicePixelRatio || 1;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  const ctx = canvas.getContext('2d');
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.font = '11px "DejaVu Sans", system-ui, sans-serif';
  return {
    ctx,
    width,
    height,
    plot: { x: PAD.left, y: PAD.top, w: width - PAD.left - PAD.right, h: height - PAD.top - PAD.bottom },
  };
}

function empty({ ctx, width, height }, text) {
  ctx.fillStyle = color('muted');
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText(text, width / 2, height / 2);
}

function legend(ctx, series, x) {
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'left';
  for (const { name, stroke } of series) {
    ctx.fillStyle = stroke;
    ctx.fillRect(x, 8, 10, 10);
    ctx.fillStyle = color('text');
    ctx.fillText(name, x + 14, 13);
    x += ctx.measureText(name).width + 30;
  }
}

/** Enough decimals to tell the ticks apart. */
const byStep = (values) => {
  const step = values.length > 1 ? values[1] - values[0] : 1;
  const digits = Math.min(4, Math.max(0, -Math.floor(Math.log10(step) + 1e-9)));
  return (value) => value.toFixed(digits);
};

function yAxis({ ctx, plot }, min, max, format) {
  const y = (value) => plot.y + plot.h - ((value - min) / (max - min || 1)) * plot.h;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  const values = ticks(min, max);
  format ??= byStep(values);
  for (const value of values) {
    ctx.fillStyle = color('grid');
    ctx.fillRect(plot.x, Math.round(y(value)), plot.w, 1);
    ctx.fillStyle = color('muted');
    ctx.fillText(format(value), plot.x - 6, y(value));
  }
  return y;
}

/** Bars per category (strikes), one per series side by side; `highlight` marks one category (ATM). */
function drawBars(frame, { categories, series, format, highlight }) {
  const { ctx, plot } = frame;
  const max = Math.max(0, ...series.flatMap((s) => s.values.filter(Number.isFinite)));
  if (!categories.length || max === 0) return empty(frame, 'No OI yet');
  const y = yAxis(frame, 0, max * 1.05, format);
  const band = plot.w / categories.length;
  const barWidth = Math.max(1, (band * 0.8) / series.length);
  const every = Math.ceil(44 / band);
  categories.forEach((category, i) => {
    const x = plot.x + i * band;
    if (category === highlight) {
      ctx.fillStyle = `${color('atm')}33`;
      ctx.fillRect(x, plot.y, band, plot.h);
    }
    series.forEach((s, j) => {
      const value = s.values[i];
      if (!Number.isFinite(value)) return;
      ctx.fillStyle = s.stroke;
      ctx.fillRect(x + band * 0.1 + j * barWidth, y(value), barWidth - 1, y(0) - y(value));
    });
    if (i % every === 0) {
      ctx.fillStyle = category === highlight ? color('atm') : color('muted');
      ctx.textAlign = 'center';
      ctx.textBaseline = 'top';
      ctx.fillText(String(category), x + band / 2, plot.y + plot.h + 6);
    }
  });
  legend(ctx, series, plot.x);
}

const istHourMinute = (ms) => new Date(ms + IST_OFFSET_MS).toISOString().slice(11, 16);

/** Lines through the day: each series is [{ t: epoch ms, v }]; `reference` draws a dashed level. */
function drawLines(frame, { series, format, reference }) {
  const { ctx, plot } = frame;
  const points = series.flatMap((s) => s.points).filter((p) => Number.isFinite(p.v));
  if (points.length === 0) return empty(frame, 'No data yet today');
  let min = Math.min(...points.map((p) => p.v));
  let max = Math.max(...points.map((p) => p.v));
  const margin = (max - min) * 0.08 || Math.abs(max) * 0.02 || 1;
  min -= margin;
  max += margin;
  const y = yAxis(frame, min, max, format);
  const t0 = Math.min(...points.map((p) => p.t));
  const t1 = Math.max(...points.map((p) => p.t));
  const x = (t) => plot.x + (t1 === t0 ? plot.w / 2 : ((t - t0) / (t1 - t0)) * plot.w);
  const minutes =
    [5, 15, 30, 60, 120].find((m) => (t1 - t0) / (m * 60_000) <= Math.max(2, plot.w / 70)) ?? 180;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  ctx.fillStyle = color('muted');
  const stepMs = minutes * 60_000;
  const first = Math.ceil((t0 + IST_OFFSET_MS) / stepMs) * stepMs - IST_OFFSET_MS;
  // Less than a step of data: its first and last times instead.
  const marks = first > t1 ? [...new Set([t0, t1])] : [];
  for (let t = first; t <= t1; t += stepMs) marks.push(t);
  for (const t of marks) {
    const label = istHourMinute(t);
    const half = ctx.measureText(label).width / 2;
    ctx.fillText(label, Math.min(Math.max(x(t), half + 2), frame.width - half - 2), plot.y + plot.h + 6);
  }
  if (Number.isFinite(reference) && reference > min && reference < max) {
    ctx.strokeStyle = color('muted');
    ctx.setLineDash([4, 4]);
    ctx.beginPath();
    ctx.moveTo(plot.x, y(reference));
    ctx.lineTo(plot.x + plot.w, y(reference));
    ctx.stroke();
    ctx.setLineDash([]);
  }
  for (const s of series) {
    ctx.strokeStyle = s.stroke;
    ctx.lineWidth = 2;
    ctx.beginPath();
    s.points.forEach((p, i) => (i === 0 ? ctx.moveTo(x(p.t), y(p.v)) : ctx.lineTo(x(p.t), y(p.v))));
    ctx.stroke();
    if (s.points.length === 1) {
      ctx.fillStyle = s.stroke;
      ctx.fillRect(x(s.points[0].t) - 2, y(s.points[0].v) - 2, 4, 4);
    }
  }
  ctx.lineWidth = 1;
  legend(ctx, series, plot.x);
}

/** A captioned chart whose spec can be replaced; it redraws when its size changes. */
export function chartBox(title, kind) {
  const canvas = el('canvas', { role: 'img', 'aria-label': title });
  const element = el(
    'figure',
    { class: 'chart', dataset: { chart: kind } },
    el('figcaption', {}, title),
    canvas,
  );
  let spec = null;
  const draw = () => {
    const frame = spec && prepare(canvas);
    if (!frame) return;
    if (spec.bars) drawBars(frame, spec.bars);
    else drawLines(frame, spec.lines);
  };
  new ResizeObserver(draw).observe(canvas);
  return {
    element,
    show(next) {
      spec = next;
      draw();
    },
  };
}
