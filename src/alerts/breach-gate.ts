/** A breach falls back below this share of its threshold before it may alert again. */
export const REARM_SHARE = 0.8;

export interface BreachReading {
  /** Identifies the (chain, strike, side, window). */
  key: string;
  /** |OI change %| now, or null when unknown. */
  magnitude: number | null;
  threshold: number;
}

interface GateState {
  armed: boolean;
  lastAlertAt: number;
}

/**
 * Decides which breaches are worth an alert: one per key until it re-arms (the change falls below
 * 80% of the threshold), and at most once per cooldown.
 */
export class BreachGate {
  private readonly states = new Map<string, GateState>();

  constructor(private readonly cooldownMs: number) {}

  /** The readings that should alert now; updates arming for all of them. */
  admit(readings: readonly BreachReading[], now: number): BreachReading[] {
    const admitted: BreachReading[] = [];
    for (const reading of readings) {
      if (reading.magnitude === null) continue;
      const state = this.states.get(reading.key);
      if (reading.magnitude < reading.threshold * REARM_SHARE) {
        if (state) state.armed = true;
        continue;
      }
      if (reading.magnitude < reading.threshold) continue;
      if (state && (!state.armed || now - state.lastAlertAt < this.cooldownMs)) continue;
      this.states.set(reading.key, { armed: false, lastAlertAt: now });
      admitted.push(reading);
    }
    return admitted;
  }

  /** Forgets keys that have been re-armed and quiet for longer than the cooldown (a new day, a new window). */
  prune(now: number): void {
    for (const [key, state] of this.states) {
      if (state.armed && now - state.lastAlertAt >= this.cooldownMs) this.states.delete(key);
    }
  }

  get size(): number {
    return this.states.size;
  }
}
