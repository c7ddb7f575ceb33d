import { waitFor } from './wait-for.ts';

/** Waits for NSE to go Live with its 11 strikes on the daemon's API and answers its ATM call's symbol. */
export async function tradableSymbol(apiUrl: string, headers: Record<string, string>): Promise<string> {
  return waitFor(
    async () => {
      const response = await fetch(`${apiUrl}/api/data/NSE`, { headers });
      if (!response.ok) return null;
      const chain = (await response.json()) as { status: string; call_options: { symbol: string }[] };
      return chain.status === 'Live' && chain.call_options.length === 11 && chain.call_options[5]!.symbol;
    },
    { timeoutMs: 30_000, intervalMs: 100, what: 'NSE to go live' },
  );
}
