/* global document, location, history */
import { ApiError, getJson, postJson } from './api.js';
import { chainCharts } from './chain-charts.js';
import { chainPanel } from './chain-view.js';
import { el } from './dom.js';
import { positionsPanel } from './positions-view.js';
import { openStream } from './stream.js';
import { ticketPanel } from './ticket.js';

const $ = (id) => document.getElementById(id);

function showSignIn(message = '') {
  $('desk').hidden = true;
  $('sign-in').hidden = false;
  $('sign-in-error').textContent = message;
  $('token').focus();
}

/** Refusals show the API's own message; a lost sign-in goes back to the form. */
function showMessage(text, kind) {
  const message = $('message');
  message.hidden = false;
  message.className = `panel message ${kind}`;
  message.textContent = text;
}

function failed(error) {
  if (error instanceof ApiError && error.status === 401) return showSignIn('Signed out: sign in again.');
  showMessage(error.message, 'refused');
}

/** Tabs, one per chain; the chosen one is kept in the address (#BSE). */
function chainTabs(chainIds, panels) {
  const select = (id) => {
    for (const [chainId, panel] of panels) {
      panel.view.element.classList.toggle('inactive', chainId !== id);
      $(`tab-${chainId}`).setAttribute('aria-selected', String(chainId === id));
    }
    panels.get(id).view.centre();
    history.replaceState(null, '', `#${id}`);
  };
  $('tabs').replaceChildren(
    ...chainIds.map((id) =>
      el('button', { type: 'button', role: 'tab', id: `tab-${id}`, onclick: () => select(id) }, id),
    ),
  );
  const wanted = decodeURIComponent(location.hash.slice(1));
  select(chainIds.includes(wanted) ? wanted : chainIds[0]);
}

function bookKeeper(owner, positions) {
  let reading = null;
  let again = false;
  const refresh = () => {
    if (reading) return void (again = true);
    reading = getJson(`/api/positions?owner=${encodeURIComponent(owner)}`)
      .then((summary) => positions.render(summary))
      .catch(failed)
      .finally(() => {
        reading = null;
        if (again) {
          again = false;
          refresh();
        }
      });
  };
  return refresh;
}

async function openDesk(auth) {
  const [defaults, data] = await Promise.all([getJson('/api/defaults'), getJson('/api/data')]);
  const chainIds = Object.keys(data);
  $('sign-in').hidden = true;
  $('desk').hidden = false;
  $('sign-out').hidden = !auth.token_required;

  const ticket = ticketPanel({
    place: (order) =>
      postJson('/api/place_order', order)
        .then((answer) => (showMessage(answer.message, 'done'), refreshPositions()))
        .catch(failed),
  });
  ticket.setDefaults(defaults);
  const exit = (body) =>
    postJson('/api/exit', body)
      .then((answer) => (showMessage(answer.message, 'done'), refreshPositions()))
      .catch(failed);
  const positions = positionsPanel({
    onExit: (position) => exit({ position_id: position.id }),
    onExitAll: (chains) => chains.forEach((chainId) => exit({ exchange: chainId, all: true })),
  });
  $('side').append(ticket.element, positions.element);
  const refreshPositions = bookKeeper(defaults.web_owner, positions);

  const panels = new Map();
  for (const chainId of chainIds) {
    const charts = chainCharts(chainId, { straddle: defaults.charts.straddle });
    const view = chainPanel(chainId, {
      onPick: (option) => ticket.pick(chainId, option),
      charts: charts.element,
    });
    panels.set(chainId, { view, charts });
    $('chains').append(view.element);
  }
  const show = (chainId, json) => {
    const panel = panels.get(chainId);
    if (!panel || !json) return;
    panel.view.render(json);
    panel.charts.showChain(json);
    void panel.charts.refresh();
  };
  const showAll = (all) => Object.entries(all).forEach(([chainId, json]) => show(chainId, json));
  chainTabs(chainIds, panels);
  showAll(data);
  refreshPositions();

  const stream = $('stream');
  openStream([...chainIds.map((id) => `data_update_${id}`), 'position_opened', 'position_closed'], {
    onEvent: (name, payload) => {
      if (name.startsWith('data_update_')) show(name.slice('data_update_'.length), payload);
      refreshPositions();
    },
    onState: (state) => {
      stream.dataset.state = state;
      stream.textContent = state === 'up' ? 'live' : 'event stream down: reconnecting…';
    },
    onReopen: () => {
      getJson('/api/data').then(showAll).catch(failed);
      refreshPositions();
    },
  });
}

async function start() {
  $('sign-in-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await postJson('/api/auth', { token: $('token').value });
      $('token').value = '';
      location.reload();
    } catch (error) {
      $('sign-in-error').textContent = error.message;
    }
  });
  $('sign-out').addEventListener('click', () =>
    postJson('/api/auth/sign-out', {}).finally(() => location.reload()),
  );
  const auth = await getJson('/api/auth');
  if (auth.token_required && !auth.signed_in) return showSignIn();
  await openDesk(auth);
}

start().catch(failed);
