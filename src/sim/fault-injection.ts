/** Kite's REST endpoint classes, each with its own rate limit (historical 3/s, quote 1/s, others 10/s). */
export type RouteClass = 'historical' | 'quote' | 'other';

/** The failures Kite's REST API is seen to answer with. */
export type FaultStatus = 403 | 429 | 500 | 502 | 503 | 504;

export interface RouteFaultOptions {
  /** The status to answer; a list is answered in turn (`[429, 500]` alternates). */
  status: FaultStatus | readonly FaultStatus[];
  /** Fails this many matching requests, then serves them again. */
  times?: number;
  /** Fails matching requests for this long (real milliseconds from now), then serves them again. */
  forMs?: number;
}

/** One armed fault: how many requests it failed so far, and a way to disarm it early. */
export interface RouteFault {
  readonly hits: number;
  readonly active: boolean;
  clear(): void;
}

/** How the simulator answers a request a fault caught: Kite's JSON error envelope, or a gateway's bare page. */
export interface InjectedFailure {
  status: FaultStatus;
  /** Kite's `error_type`, or null for a 502/504 from the gateway in front of Kite (a bare page, no JSON). */
  errorType: string | null;
  message: string;
}

interface Rule {
  target: RouteClass | RegExp;
  statuses: readonly FaultStatus[];
  timesLeft: number;
  until: number;
  hits: number;
  cleared: boolean;
}

const KITE_ERRORS: Record<FaultStatus, Omit<InjectedFailure, 'status'>> = {
  403: { errorType: 'TokenException', message: 'Incorrect `api_key` or `access_token`.' },
  429: { errorType: 'NetworkException', message: 'Too many requests' },
  500: { errorType: 'GeneralException', message: 'Internal server error' },
  502: { errorType: null, message: 'Bad Gateway' },
  503: { errorType: 'NetworkException', message: 'Service Unavailable' },
  504: { errorType: null, message: 'Gateway Timeout' },
};

function failure(status: FaultStatus): InjectedFailure {
  return { status, ...KITE_ERRORS[status] };
}

/**
 * REST failures a test arms on the simulator: a route class or a path pattern fails with the given
 * statuses for a number of requests or a span of time, and `historicalDown` takes the historical
 * candles service out (503) until switched back. Requests still count against the rate limits first.
 */
export class FaultInjector {
  /** While true, every historical-candles request answers 503, as when Kite's historical service is down. */
  historicalDown = false;
  private rules: Rule[] = [];

  /** Arms a fault on a route class (`'quote'`) or on paths matching a pattern (`/\/historical\/256265\//`). */
  failRoute(target: RouteClass | RegExp, options: RouteFaultOptions): RouteFault {
    const statuses = typeof options.status === 'number' ? [options.status] : [...options.status];
    if (statuses.length === 0) throw new RangeError('failRoute: give at least one status');
    if (options.times === undefined && options.forMs === undefined) {
      throw new RangeError('failRoute: give `times`, `forMs` or both, so the fault ends');
    }
    const rule: Rule = {
      // A global or sticky pattern would remember where it last matched; each request is tested afresh.
      target:
        typeof target === 'string' ? target : new RegExp(target.source, target.flags.replace(/[gy]/g, '')),
      statuses,
      timesLeft: options.times ?? Number.POSITIVE_INFINITY,
      until: options.forMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + options.forMs,
      hits: 0,
      cleared: false,
    };
    this.rules.push(rule);
    const isActive = () => !rule.cleared && rule.timesLeft > 0 && Date.now() < rule.until;
    return {
      get hits() {
        return rule.hits;
      },
      get active() {
        return isActive();
      },
      clear: () => {
        rule.cleared = true;
      },
    };
  }

  /** Disarms every fault and brings the historical service back. */
  clear(): void {
    for (const rule of this.rules) rule.cleared = true;
    this.rules = [];
    this.historicalDown = false;
  }

  /** The failure to answer this request with (counting it as a hit), or null to serve it. */
  check(route: RouteClass, path: string, now = Date.now()): InjectedFailure | null {
    this.rules = this.rules.filter((rule) => !rule.cleared && rule.timesLeft > 0 && now < rule.until);
    const rule = this.rules.find((candidate) =>
      typeof candidate.target === 'string' ? candidate.target === route : candidate.target.test(path),
    );
    if (rule) {
      const status = rule.statuses[rule.hits % rule.statuses.length]!;
      rule.hits += 1;
      rule.timesLeft -= 1;
      return failure(status);
    }
    return this.historicalDown && route === 'historical' ? failure(503) : null;
  }
}
