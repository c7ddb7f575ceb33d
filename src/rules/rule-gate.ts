/**
 * When a rule fires, given whether its condition holds on a cycle: edge-triggered with a cooldown. The
 * live evaluation and the replay both step it, so they fire on the same cycles.
 *
 * - fires on a cycle where the condition holds and the rule is armed, outside its cooldown; firing
 *   disarms it;
 * - re-arms on the first cycle where the condition is false;
 * - inside the cooldown an armed rule whose condition holds neither fires nor disarms: it fires on the
 *   first cycle after the cooldown where the condition still holds.
 */
export interface RuleState {
  armed: boolean;
  /** UTC epoch ms of the last firing, or null. */
  lastFired: number | null;
}

/** A rule that was just added (or switched on): armed, never fired, so it fires on the next cycle that holds. */
export const FRESH_STATE: RuleState = { armed: true, lastFired: null };

export function stepRule(
  state: RuleState,
  holds: boolean,
  now: number,
  cooldownMs: number,
): { fire: boolean; state: RuleState } {
  if (!holds) return { fire: false, state: state.armed ? state : { ...state, armed: true } };
  if (!state.armed) return { fire: false, state };
  if (state.lastFired !== null && now - state.lastFired < cooldownMs) return { fire: false, state };
  return { fire: true, state: { armed: false, lastFired: now } };
}
