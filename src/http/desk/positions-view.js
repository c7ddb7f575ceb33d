/* global setTimeout, clearTimeout */
import { el } from './dom.js';
import { formatPrice, formatRupees } from './format.js';

const ARMED_MS = 4000;
const pnlClass = (value) => (value > 0 ? 'up' : value < 0 ? 'down' : undefined);
const sideQty = (position) => `${position.side === 'BUY' ? 'B' : 'S'} ${position.qty}`;
/** `NSE 25600 CE`: shorter than the trading symbol, which the cell's tooltip gives. */
const optionName = (position) => `${position.exchange} ${position.strike} ${position.type}`;

function openTable(positions, onExit) {
  return el(
    'table',
    { class: 'book open-book' },
    el(
      'tr',
      {},
      ['Option', 'Qty', 'Entry', 'LTP', 'MTM', ''].map((label) => el('th', {}, label)),
    ),
    positions.map((position) =>
      el(
        'tr',
        { dataset: { positionId: position.id } },
        el('td', { class: 'symbol', title: `${position.id} · ${position.symbol}` }, optionName(position)),
        el('td', {}, sideQty(position)),
        el('td', {}, formatPrice(position.entry_price)),
        el('td', { dataset: { field: 'ltp' } }, formatPrice(position.current_price)),
        el('td', { class: pnlClass(position.mtm), dataset: { field: 'mtm' } }, formatRupees(position.mtm)),
        el(
          'td',
          {},
          el('button', { type: 'button', class: 'exit', onclick: () => onExit(position) }, 'Exit'),
        ),
      ),
    ),
  );
}

function closedTable(positions) {
  return el(
    'table',
    { class: 'book closed-book' },
    el(
      'tr',
      {},
      ['Option', 'Qty', 'Entry', 'Exit', 'P&L'].map((label) => el('th', {}, label)),
    ),
    positions.map((position) =>
      el(
        'tr',
        { dataset: { positionId: position.id } },
        el(
          'td',
          { class: 'symbol', title: `${position.id} · ${position.symbol} · ${position.exit_reason}` },
          optionName(position),
          el('small', { class: 'reason' }, position.exit_reason),
        ),
        el('td', {}, sideQty(position)),
        el('td', {}, formatPrice(position.entry_price)),
        el('td', {}, formatPrice(position.exit_price)),
        el('td', { class: pnlClass(position.realized_pnl) }, formatRupees(position.realized_pnl)),
      ),
    ),
  );
}

/**
 * The page's book (WEB_OWNER): open positions with MTM and an exit each, "Exit all" (a second click
 * within 4 s confirms), and today's closed positions with realized P&L, from /api/positions.
 */
export function positionsPanel({ onExit, onExitAll }) {
  const exitAll = el('button', { type: 'button', class: 'exit-all', disabled: true }, 'Exit all');
  const totals = el('div', { class: 'book-totals' });
  const open = el('div', { class: 'open-positions' });
  const closed = el('div', { class: 'closed-positions' });
  const element = el(
    'section',
    { class: 'panel positions', 'aria-label': 'Positions' },
    el('h2', {}, 'Positions', exitAll),
    totals,
    open,
    el('h3', {}, 'Closed today'),
    closed,
  );
  let openChains = [];
  let disarm = null;
  const setArmed = (armed) => {
    exitAll.dataset.armed = String(armed);
    exitAll.textContent = armed ? `Confirm: exit ${openChains.count}` : 'Exit all';
  };
  exitAll.addEventListener('click', () => {
    if (exitAll.dataset.armed !== 'true') {
      setArmed(true);
      disarm = setTimeout(() => setArmed(false), ARMED_MS);
      return;
    }
    clearTimeout(disarm);
    setArmed(false);
    onExitAll(openChains.chains);
  });
  return {
    element,
    render(summary) {
      const books = Object.entries(summary);
      const opened = books.flatMap(([, book]) => book.open_positions);
      const done = books.flatMap(([, book]) => book.closed_positions_today);
      const mtm = books.reduce((sum, [, book]) => sum + book.total_mtm, 0);
      const realized = books.reduce((sum, [, book]) => sum + book.closed_pnl, 0);
      openChains = {
        chains: books.filter(([, book]) => book.open_positions.length).map(([id]) => id),
        count: opened.length,
      };
      exitAll.disabled = opened.length === 0;
      if (exitAll.dataset.armed === 'true') setArmed(true);
      totals.replaceChildren(
        el(
          'span',
          {},
          'MTM ',
          el('b', { class: pnlClass(mtm), dataset: { field: 'total_mtm' } }, formatRupees(mtm)),
        ),
        el(
          'span',
          {},
          'Realized today ',
          el('b', { class: pnlClass(realized), dataset: { field: 'closed_pnl' } }, formatRupees(realized)),
        ),
      );
      open.replaceChildren(
        opened.length ? openTable(opened, onExit) : el('p', { class: 'book-empty' }, 'No open positions.'),
      );
      closed.replaceChildren(done.length ? closedTable(done) : el('p', { class: 'book-empty' }, 'None yet.'));
    },
  };
}
