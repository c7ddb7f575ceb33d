import { el } from './dom.js';
import {
  NA,
  formatAge,
  formatChange,
  formatLevel,
  formatOi,
  formatPrice,
  formatUnderlyingChange,
  istClock,
} from './format.js';

const LEGEND =
  'ITM green · ATM cyan · OTM red · breach boxed red · OI in lakhs (L) / thousands (K) · %Chg over window · click a call or put to trade';

/** The OI windows of a chain, as its rows carry them ('5', '30'), longest first: the call side's order. */
function windowsOf(json) {
  const row = json.call_options[0] ?? json.put_options[0];
  return row ? Object.keys(row.oi_change_pct).sort((a, b) => Number(b) - Number(a)) : [];
}

/** Strikes ascending, the call and put of each side by side. */
function strikeRows(json) {
  const calls = new Map(json.call_options.map((row) => [row.strike, row]));
  const puts = new Map(json.put_options.map((row) => [row.strike, row]));
  const strikes = [...new Set([...calls.keys(), ...puts.keys()])].sort((a, b) => a - b);
  return strikes.map((strike) => {
    const call = calls.get(strike);
    const put = puts.get(strike);
    const atm = strike === json.atm_strike || call?.moneyness === 'ATM' || put?.moneyness === 'ATM';
    return { strike, call, put, atm };
  });
}

/** The side's columns from the strike outwards: LTP, IV, OI, then the windows shortest first. */
function sideColumns(windows) {
  return [
    { key: 'ltp', label: 'LTP' },
    { key: 'iv', label: 'IV' },
    { key: 'oi', label: 'OI' },
    ...[...windows].reverse().map((key) => ({ key, label: `${key}M`, change: true })),
  ];
}

function cellText(option, column) {
  if (column.key === 'ltp') return formatPrice(option.ltp);
  if (column.key === 'iv') return formatPrice(option.iv, 1);
  if (column.key === 'oi') return formatOi(option.oi);
  return formatChange(option.oi_change_pct[column.key]);
}

function changeClass(pct, text) {
  if (text === NA || text === '0.00') return 'flat';
  return pct > 0 ? 'up' : 'down';
}

function optionCell(side, option, column, onPick) {
  if (!option) return el('td', { dataset: { side, key: column.key } });
  const text = cellText(option, column);
  const classes = ['option', option.moneyness === 'ITM' ? 'itm' : 'otm'];
  if (column.change) {
    classes.push(changeClass(option.oi_change_pct[column.key], text));
    if (option.breaches.includes(column.key)) classes.push('breach');
  }
  return el(
    'td',
    {
      class: classes.join(' '),
      dataset: { side, key: column.key },
      title: `${option.symbol}: click to trade`,
      onclick: () => onPick(option, side),
    },
    text,
  );
}

function tableHead(windows) {
  const columns = sideColumns(windows);
  const group = (label, span, side) => el('th', { colspan: span, class: `group-${side}` }, label);
  return el(
    'thead',
    {},
    el(
      'tr',
      {},
      windows.length ? group('CALL OI %Chg', windows.length, 'call') : null,
      group('CALLS', 3, 'call'),
      el('th', { rowspan: 2, class: 'strike', scope: 'col' }, 'STRIKE'),
      group('PUTS', 3, 'put'),
      windows.length ? group('PUT OI %Chg', windows.length, 'put') : null,
    ),
    el(
      'tr',
      {},
      [...columns].reverse().map((column) => el('th', { scope: 'col' }, column.label)),
      columns.map((column) => el('th', { scope: 'col' }, column.label)),
    ),
  );
}

function tableBody(json, windows, onPick) {
  const columns = sideColumns(windows);
  return el(
    'tbody',
    {},
    strikeRows(json).map((row) =>
      el(
        'tr',
        { class: row.atm ? 'atm' : undefined, dataset: { strike: String(row.strike) } },
        [...columns].reverse().map((column) => optionCell('CE', row.call, column, onPick)),
        el('th', { class: 'strike', scope: 'row' }, formatLevel(row.strike)),
        columns.map((column) => optionCell('PE', row.put, column, onPick)),
      ),
    ),
  );
}

function figure(label, field, extra) {
  return el('div', {}, el('dt', {}, label), el('dd', {}, el('span', { dataset: { field } }), extra));
}

function headerSkeleton() {
  const field = (name, attributes = {}) => el('span', { ...attributes, dataset: { field: name } });
  return el(
    'div',
    { class: 'chain-header' },
    el(
      'div',
      { class: 'title-line' },
      el('span', { class: 'title' }, field('exchange'), ' · ', field('underlying')),
      field('underlying_price', { class: 'price' }),
      field('underlying_change', { class: 'change' }),
      field('status', { class: 'status' }),
      el('span', { class: 'clock' }, field('last_update'), ' IST · age ', field('data_age_s')),
    ),
    el(
      'dl',
      { class: 'figures' },
      figure('ATM', 'atm_strike'),
      figure('PCR', 'pcr', el('span', { class: 'pcr-all' }, ' (all ', field('pcr_all'), ')')),
      figure('Max pain', 'max_pain'),
      figure('Support', 'support'),
      figure('Resistance', 'resistance'),
      figure('Expiry', 'expiry'),
    ),
    el('p', { class: 'notes', hidden: true }),
  );
}

function renderHeader(header, json) {
  const text = {
    exchange: json.exchange,
    underlying: json.underlying,
    underlying_price: formatPrice(json.underlying_price),
    underlying_change: formatUnderlyingChange(json.underlying_price, json.underlying_change),
    status: json.status,
    last_update: istClock(json.last_update),
    data_age_s: formatAge(json.data_age_s),
    atm_strike: formatLevel(json.atm_strike),
    pcr: formatPrice(json.pcr),
    pcr_all: formatPrice(json.pcr_all),
    max_pain: formatLevel(json.max_pain),
    support: formatLevel(json.support),
    resistance: formatLevel(json.resistance),
    expiry: json.expiry ?? NA,
  };
  for (const node of header.querySelectorAll('[data-field]')) node.textContent = text[node.dataset.field];
  const change = header.querySelector('[data-field="underlying_change"]');
  change.className = `change ${(json.underlying_change ?? 0) >= 0 ? 'up' : 'down'}`;
  header.querySelector('[data-field="status"]').className = `status${json.status === 'Live' ? ' live' : ''}`;
  header.querySelector('.pcr-all').hidden = json.pcr_all === null;
  const notes = header.querySelector('.notes');
  notes.hidden = json.notes.length === 0;
  notes.textContent = json.notes.length ? `Note: ${json.notes.join(' · ')}` : '';
}

/**
 * One chain's panel: the header figures and the chain table in the PNG's layout and colours, then its
 * charts (`charts`, an element the caller fills). `onPick(option, side)` when a call or put is clicked.
 */
export function chainPanel(chainId, { onPick, charts }) {
  const header = headerSkeleton();
  const table = el('table', { class: 'chain-table' }, el('caption', {}, 'Waiting for the first cycle…'));
  const wrap = el('div', { class: 'table-wrap' }, table);
  const element = el(
    'section',
    { class: 'chain', dataset: { chain: chainId }, 'aria-label': `${chainId} option chain` },
    header,
    wrap,
    el('p', { class: 'legend' }, LEGEND),
    charts,
  );
  let windowsKey = null;
  let centred = false;
  // A narrow screen first shows the middle of the table: the strike and the prices beside it.
  const centre = () => {
    if (centred || wrap.scrollWidth <= wrap.clientWidth || !table.querySelector('tbody tr')) return;
    wrap.scrollLeft = (wrap.scrollWidth - wrap.clientWidth) / 2;
    centred = true;
  };
  return {
    element,
    centre,
    render(json) {
      const windows = windowsOf(json);
      if (windows.join() !== windowsKey) {
        windowsKey = windows.join();
        table.replaceChildren(tableHead(windows));
      }
      renderHeader(header, json);
      table.querySelector('tbody')?.remove();
      table.append(tableBody(json, windows, onPick));
      element.dataset.lastUpdate = json.last_update;
      centre();
    },
  };
}
