import { OiStore, type PruneResult } from '../store/oi-store.ts';
import type { AppContext } from './context.ts';

export interface StoreService {
  readonly store: OiStore;
  /** Deletes data older than RETENTION_DAYS by the clock; null when the store refused. */
  retention(): PruneResult | null;
  stop(): void;
}

/** Opens the database (DB_PATH) and offers it with its retention job. */
export function startStore(app: AppContext): StoreService {
  const { config, logger, clock } = app;
  const store = OiStore.open(config.store.path);
  return {
    store,
    retention: () => {
      try {
        const removed = store.pruneBefore(clock.now() - config.store.retentionDays * 86_400_000);
        logger.info({ removed }, 'retention: old data deleted');
        return removed;
      } catch (error) {
        logger.warn({ err: error }, 'retention job failed');
        return null;
      }
    },
    stop: () => store.close(),
  };
}
