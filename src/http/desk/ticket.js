import { el } from './dom.js';
import { formatPrice } from './format.js';

function numberField(label, attributes) {
  const input = el('input', { type: 'number', inputmode: 'decimal', required: true, ...attributes });
  return { input, element: el('label', {}, label, input) };
}

/**
 * The order ticket: the option picked from a chain row, quantity in lots, target and stop in points
 * (prefilled from /api/defaults), Buy and Sell. `place(order)` sends it and resolves when answered.
 */
export function ticketPanel({ place }) {
  const title = el('p', { class: 'ticket-option' });
  const lots = numberField('Lots', { name: 'lots', min: 1, step: 1 });
  const target = numberField('Target (pts)', { name: 'tp', min: 0.05, step: 0.05 });
  const stop = numberField('Stop (pts)', { name: 'sl', min: 0.05, step: 0.05 });
  const units = el('p', { class: 'ticket-units' });
  const buy = el('button', { type: 'submit', class: 'buy', value: 'B' }, 'Buy');
  const sell = el('button', { type: 'submit', class: 'sell', value: 'S' }, 'Sell');
  const form = el(
    'form',
    { class: 'ticket-form', hidden: true },
    title,
    el('div', { class: 'ticket-fields' }, lots.element, target.element, stop.element),
    units,
    el('div', { class: 'ticket-actions' }, buy, sell),
  );
  const hint = el('p', { class: 'hint' }, 'Click a call or put in the chain to trade it.');
  const element = el(
    'section',
    { class: 'panel ticket', 'aria-label': 'Order ticket' },
    el('h2', {}, 'Order'),
    hint,
    form,
  );
  let defaults = null;
  let picked = null;

  const lotSize = () => defaults?.chains[picked.chainId]?.lot_size ?? null;
  const showUnits = () => {
    const size = lotSize();
    const count = Number(lots.input.value);
    const most = defaults ? ` · at most ${defaults.max_qty_lots} lots` : '';
    units.textContent = `${size ? `${count * size} units (lot ${size})` : 'lot size not known yet'}${most}`;
  };
  lots.input.addEventListener('input', showUnits);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const size = lotSize();
    const order = {
      exchange: picked.chainId,
      symbol: picked.option.symbol,
      side: event.submitter?.value ?? 'B',
      ...(size ? { qty: Number(lots.input.value) * size } : {}),
      tp: Number(target.input.value),
      sl: Number(stop.input.value),
    };
    buy.disabled = sell.disabled = true;
    try {
      await place(order);
    } finally {
      buy.disabled = sell.disabled = false;
    }
  });

  return {
    element,
    setDefaults(next) {
      defaults = next;
    },
    pick(chainId, option) {
      picked = { chainId, option };
      title.textContent = `${chainId} ${option.strike} ${option.symbol.slice(-2)} · ${option.symbol} · LTP ${formatPrice(option.ltp)}`;
      lots.input.value = String(defaults?.chains[chainId]?.default_lots ?? 1);
      target.input.value = String(defaults?.tp_points ?? 25);
      stop.input.value = String(defaults?.sl_points ?? 25);
      showUnits();
      hint.hidden = true;
      form.hidden = false;
      // On a phone the ticket sits below the chain.
      element.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
    },
  };
}
