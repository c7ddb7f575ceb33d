import type { ChainSnapshot } from '../tracker/types.ts';

/** What a rendering is of: its kind (`chain`, `oi`, `pcr`, `greeks`, `iv`), the chain, and the data's identity. */
export interface RenderKey {
  kind: string;
  chainId: string;
  /** Equal identities mean equal pictures, e.g. a published snapshot's `lastUpdate|status`. */
  identity: string;
}

export interface RenderOnceOptions {
  /** Called once per actual rendering (a cache miss), e.g. to count it on /metrics. */
  onRender?: (key: RenderKey) => void;
  /** How many renderings are kept, least recently used dropped first (default 32). */
  capacity?: number;
}

/**
 * The identity of a published snapshot for caching its pictures: the cycle's instant and status, and
 * the OI windows drawn. A new cycle (or a chain marked Closed) publishes a new instant.
 */
export function snapshotIdentity(snapshot: ChainSnapshot, windows: readonly number[] = []): string {
  return `${snapshot.lastUpdate}|${snapshot.expiry ?? ''}|${snapshot.status}|${windows.join(',')}`;
}

/**
 * Renders each picture once and hands the same result to everyone who asks while it is kept: the
 * first request starts the rendering, concurrent ones wait for that same promise (no thundering
 * herd), later ones get the finished result. A rendering that fails is forgotten, so the next request
 * tries again. Platform-neutral; the caller decides what a key's identity is.
 */
export class RenderOnce {
  private readonly entries = new Map<string, Promise<unknown>>();
  private readonly capacity: number;

  constructor(private readonly options: RenderOnceOptions = {}) {
    this.capacity = Math.max(1, options.capacity ?? 32);
  }

  /** The rendering for `key`, from `render` the first time (and after a failure). */
  get<T>(key: RenderKey, render: () => T | Promise<T>): Promise<T> {
    const id = `${key.kind}\u0000${key.chainId}\u0000${key.identity}`;
    const kept = this.entries.get(id) as Promise<T> | undefined;
    if (kept) {
      // Most recently used goes last.
      this.entries.delete(id);
      this.entries.set(id, kept);
      return kept;
    }
    // Kept before rendering starts, so a request arriving meanwhile waits for this one.
    const rendering = Promise.resolve().then(() => {
      this.options.onRender?.(key);
      return render();
    });
    this.entries.set(id, rendering);
    rendering.catch(() => {
      if (this.entries.get(id) === rendering) this.entries.delete(id);
    });
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    return rendering;
  }

  /** How many renderings are kept (for tests). */
  get size(): number {
    return this.entries.size;
  }
}
