/* global fetch */

/** An answer other than 2xx; `message` is the API's own words. */
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function answer(response) {
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (!response.ok) {
    throw new ApiError(response.status, body?.message ?? body?.error ?? `HTTP ${response.status}`);
  }
  return body;
}

export function getJson(path) {
  return fetch(path, { headers: { Accept: 'application/json' }, cache: 'no-store' }).then(answer);
}

export function postJson(path, body) {
  return fetch(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify(body),
  }).then(answer);
}
