/* global EventSource, setTimeout */

const RETRY_MS = 3000;

/**
 * The daemon's event stream (/api/events), reopened by itself when it drops: `onState('up' | 'down')`
 * as it goes, `onEvent(name, data)` for each of `names`, `onReopen()` after it was down (to catch up).
 */
export function openStream(names, { onEvent, onState, onReopen }) {
  let wasDown = false;
  const connect = () => {
    const source = new EventSource('/api/events');
    source.addEventListener('open', () => {
      onState('up');
      if (wasDown) onReopen();
      wasDown = false;
    });
    source.addEventListener('error', () => {
      wasDown = true;
      onState('down');
      // The browser retries by itself unless the answer was not a stream (e.g. 401 after a restart).
      if (source.readyState === EventSource.CLOSED) setTimeout(connect, RETRY_MS);
    });
    for (const name of names) {
      source.addEventListener(name, (event) => onEvent(name, JSON.parse(event.data)));
    }
  };
  connect();
}
