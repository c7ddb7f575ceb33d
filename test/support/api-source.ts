import type { ApiSource } from '../../src/http/api-server.ts';

/** An API source with no chains, a healthy database and no events; `fields` replace any of it. */
export function stubApiSource(fields: Partial<ApiSource> = {}): ApiSource {
  return {
    chains: () => [],
    chainJson: () => null,
    health: () => ({ database: { ok: true }, chains: {} }),
    onEvent: () => () => {},
    ...fields,
  };
}
