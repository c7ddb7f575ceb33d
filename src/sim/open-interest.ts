/**
 * Open interest per option: a smooth base (peaked near the day's at-the-money strike, larger for near
 * expiries) times the day's session shape (an opening build-up strongest near the money, then a steady
 * build to the close; see session-shape.ts) times a factor for seeded bursts. Every 20-minute slot of
 * the session, per underlying, one option within ±5 strikes of the then at-the-money strike gains
 * 10-20% over 2-3 minutes, which then fades slowly. Everything is a pure function of (seed, contract, t).
 */

import type { OptionType } from '../kite/types.ts';
import { optionExchangeToken, upcomingExpiries, type SimUnderlying } from './instruments.ts';
import type { IndexWalk } from './index-walk.ts';
import { DAY_MS, MINUTE_MS, istDateOf, istDayNumber, istMinuteOfDay, istWallClock } from '../util/ist.ts';
import { hashUniform } from './random.ts';
import {
  SESSION_OPEN_MINUTE,
  inSessionHours,
  sessionShare,
  smoothstep,
  tradingTime,
  type OpeningBuildUp,
} from './session-shape.ts';

export interface OiContract {
  underlying: SimUnderlying;
  exchangeToken: number;
  strike: number;
  type: OptionType;
  /** Epoch ms of 15:30 IST on the expiry date. */
  expiryClose: number;
}

interface Burst {
  exchangeToken: number;
  start: number;
  rampMs: number;
  amplitude: number;
  halfLifeMs: number;
}

const HOUR_MS = 60 * MINUTE_MS;
const SLOT_MS = 20 * MINUTE_MS;
const BURST_STRIKES_EACH_SIDE = 5;
const NEXT_EXPIRY_BURST_SHARE = 0.25;
/** Bursts fade out completely between these ages, so only a bounded window of slots matters. */
const BURST_FADE_START_MS = 10 * HOUR_MS;
const BURST_LIFETIME_MS = 12 * HOUR_MS;
const SLOTS_PER_BLOCK = 18;
const BLOCK_MS = SLOTS_PER_BLOCK * SLOT_MS;
const MAX_CACHED_BLOCKS = 1_000;

const PROFILE_WIDTH_STEPS = 10;
/** Calls peak a few strikes above the money, puts below. */
const PROFILE_PEAK_OFFSET_STEPS = 3;
const PROFILE_FLOOR = 0.12;
/** Minutes after midnight over which the profile's centre moves to the new day's reference level. */
const CENTRE_SHIFT_MINUTES = 180;
/** Strikes from the opening's at-the-money strike over which the opening build-up fades. */
const OPENING_NEARNESS_STEPS = 1.5;
const OPENING_RAMP_MINUTES = { min: 4, max: 12 };

const STREAM_SIZE = 201;
const STREAM_BURST = 202;
const STREAM_OPENING = 203;

export class OpenInterestModel {
  private readonly seed: number;
  private readonly walks: readonly IndexWalk[];
  private readonly blocks = new Map<number, Map<number, Burst[]>>();

  /** `walks` in SIM_UNDERLYINGS order. */
  constructor(seed: number, walks: readonly IndexWalk[]) {
    this.seed = seed;
    this.walks = walks;
  }

  /** Open interest in units (a positive multiple of the lot size). */
  openInterest(contract: OiContract, t: number): number {
    const share = sessionShare(t, this.openingBuildUp(contract, t));
    const lots = this.baseLots(contract, t) * share * (1 + this.burstShare(contract, tradingTime(t)));
    return contract.underlying.lotSize * Math.max(1, Math.round(lots));
  }

  /**
   * The contract's opening build-up on the IST day of `t`: large near the strike at the money at 09:15
   * (so every session breaches the default thresholds within minutes), small or slightly unwinding
   * away from it, each contract at its own pace.
   */
  private openingBuildUp(contract: OiContract, t: number): OpeningBuildUp {
    const day = istDayNumber(t);
    const draw = (n: number): number =>
      hashUniform(this.seed, STREAM_OPENING, contract.exchangeToken, day, n);
    const walk = this.walkOf(contract.underlying);
    const open = t - (istMinuteOfDay(t) - SESSION_OPEN_MINUTE) * MINUTE_MS;
    const steps = (contract.strike - walk.price(open)) / contract.underlying.strikeStep;
    const nearness = Math.exp(-((steps / OPENING_NEARNESS_STEPS) ** 2));
    const { min, max } = OPENING_RAMP_MINUTES;
    return {
      weight: -0.1 + 0.3 * draw(1) + 0.7 * nearness * (0.6 + 0.4 * draw(2)),
      rampMinutes: min + (max - min) * draw(3),
    };
  }

  private baseLots(contract: OiContract, t: number): number {
    const { underlying, strike, type, expiryClose } = contract;
    const walk = this.walkOf(underlying);
    const distance = (strike - this.profileCentre(walk, t)) / underlying.strikeStep;
    const peakAt = type === 'CE' ? PROFILE_PEAK_OFFSET_STEPS : -PROFILE_PEAK_OFFSET_STEPS;
    const profile = PROFILE_FLOOR + Math.exp(-(((distance - peakAt) / PROFILE_WIDTH_STEPS) ** 2));
    const daysToExpiry = Math.max(0, (expiryClose - tradingTime(t)) / DAY_MS);
    const term = 0.2 + 0.8 * Math.exp(-daysToExpiry / 6);
    const size = 0.7 + 0.6 * hashUniform(this.seed, STREAM_SIZE, contract.exchangeToken);
    return underlying.peakOiLots * profile * term * size;
  }

  /** The day's reference level, reached smoothly from yesterday's during the first hours of the day. */
  private profileCentre(walk: IndexWalk, t: number): number {
    const day = istDayNumber(t);
    const today = walk.referenceLevel(day);
    const yesterday = walk.referenceLevel(day - 1);
    return yesterday + (today - yesterday) * smoothstep(istMinuteOfDay(t) / CENTRE_SHIFT_MINUTES);
  }

  /** The bursts' share on top of the base, at trading time `t`. */
  private burstShare(contract: OiContract, t: number): number {
    const underlyingIndex = this.underlyingIndex(contract.underlying);
    const firstBlock = Math.floor((t - BURST_LIFETIME_MS) / BLOCK_MS);
    const lastBlock = Math.floor(t / BLOCK_MS);
    let share = 0;
    for (let block = firstBlock; block <= lastBlock; block++) {
      const bursts = this.burstsByToken(underlyingIndex, block).get(contract.exchangeToken) ?? [];
      for (const burst of bursts) share += burstShapeAt(burst, t);
    }
    return share;
  }

  /** The bursts starting within one block of slots, grouped by the exchange token they hit. */
  private burstsByToken(underlyingIndex: number, block: number): Map<number, Burst[]> {
    const key = block * this.walks.length + underlyingIndex;
    const cached = this.blocks.get(key);
    if (cached) return cached;
    const byToken = new Map<number, Burst[]>();
    for (let slot = block * SLOTS_PER_BLOCK; slot < (block + 1) * SLOTS_PER_BLOCK; slot++) {
      const burst = this.createBurst(underlyingIndex, slot);
      if (!burst) continue;
      const list = byToken.get(burst.exchangeToken);
      if (list) list.push(burst);
      else byToken.set(burst.exchangeToken, [burst]);
    }
    if (this.blocks.size >= MAX_CACHED_BLOCKS) this.blocks.clear();
    this.blocks.set(key, byToken);
    return byToken;
  }

  private createBurst(underlyingIndex: number, slot: number): Burst | null {
    const walk = this.walks[underlyingIndex];
    if (!walk) return null;
    const { underlying } = walk;
    const draw = (n: number): number => hashUniform(this.seed, STREAM_BURST, underlyingIndex, slot, n);
    const slotStart = slot * SLOT_MS;
    const rampMs = (2 + draw(1)) * MINUTE_MS;
    const start = slotStart + Math.floor((draw(2) * (SLOT_MS - rampMs)) / 1000) * 1000;
    if (!inSessionHours(start) || !inSessionHours(start + rampMs)) return null;
    const step = underlying.strikeStep;
    const atm = Math.round(walk.price(slotStart) / step) * step;
    const strikeOffset = Math.floor(draw(3) * (2 * BURST_STRIKES_EACH_SIDE + 1)) - BURST_STRIKES_EACH_SIDE;
    const type: OptionType = draw(4) < 0.5 ? 'CE' : 'PE';
    const [nearest, next] = this.liveExpiries(underlying, slotStart);
    const expiry = draw(5) < NEXT_EXPIRY_BURST_SHARE ? next : nearest;
    if (expiry === undefined) return null;
    return {
      exchangeToken: optionExchangeToken(underlying, expiry, atm + strikeOffset * step, type),
      start,
      rampMs,
      amplitude: 0.1 + 0.1 * draw(6),
      halfLifeMs: (45 + 135 * draw(7)) * MINUTE_MS,
    };
  }

  /** The two nearest expiries that have not closed yet at `t`. */
  private liveExpiries(underlying: SimUnderlying, t: number): string[] {
    return upcomingExpiries(underlying, istDateOf(t), 3)
      .filter((expiry) => istWallClock(expiry, '15:30') > t)
      .slice(0, 2);
  }

  private underlyingIndex(underlying: SimUnderlying): number {
    return this.walks.findIndex((walk) => walk.underlying === underlying);
  }

  private walkOf(underlying: SimUnderlying): IndexWalk {
    const walk = this.walks[this.underlyingIndex(underlying)];
    if (!walk) throw new RangeError(`No index walk for ${underlying.name}`);
    return walk;
  }
}

function burstShapeAt(burst: Burst, t: number): number {
  const age = t - burst.start;
  if (age <= 0 || age >= BURST_LIFETIME_MS) return 0;
  const rise = smoothstep(age / burst.rampMs);
  const decay = age > burst.rampMs ? 2 ** (-(age - burst.rampMs) / burst.halfLifeMs) : 1;
  const fade = 1 - smoothstep((age - BURST_FADE_START_MS) / (BURST_LIFETIME_MS - BURST_FADE_START_MS));
  return burst.amplitude * rise * decay * fade;
}
