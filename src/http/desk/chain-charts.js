import { getJson } from './api.js';
import { chartBox, color } from './charts.js';
import { el } from './dom.js';

const lakhs = (value) => `${Number((value / 100_000).toFixed(value < 1_000_000 ? 1 : 0))}L`;
const timed = (iso, value) => ({ t: Date.parse(iso), v: value });

/**
 * A chain's charts: OI by strike (from the chain itself), PCR through the day (/api/pcr/:chain) and,
 * where the daemon has it, the ATM straddle (/api/straddle/:chain).
 */
export function chainCharts(chainId, { straddle }) {
  const oi = chartBox('OI by strike', 'oi');
  const pcr = chartBox('PCR through the day', 'pcr');
  const straddleChart = straddle ? chartBox('ATM straddle (CE + PE)', 'straddle') : null;
  const element = el('div', { class: 'charts' }, oi.element, pcr.element, straddleChart?.element);
  const name = encodeURIComponent(chainId);
  return {
    element,
    showChain(json) {
      const strikes = json.call_options.map((row) => row.strike);
      const puts = new Map(json.put_options.map((row) => [row.strike, row.oi]));
      oi.show({
        bars: {
          categories: strikes,
          highlight: json.atm_strike,
          format: lakhs,
          series: [
            {
              name: 'Call OI',
              stroke: color('call-series'),
              values: json.call_options.map((row) => row.oi ?? NaN),
            },
            {
              name: 'Put OI',
              stroke: color('put-series'),
              values: strikes.map((strike) => puts.get(strike) ?? NaN),
            },
          ],
        },
      });
    },
    /** Re-reads the day's PCR and straddle; a chart the daemon cannot answer is hidden. */
    async refresh() {
      const reads = [
        getJson(`/api/pcr/${name}`).then((answer) =>
          pcr.show({
            lines: {
              reference: 1,
              series: [
                { name: 'PCR', stroke: color('atm'), points: answer.points.map((p) => timed(p.time, p.pcr)) },
              ],
            },
          }),
        ),
      ];
      if (straddleChart) {
        reads.push(
          getJson(`/api/straddle/${name}`).then(
            (answer) => {
              straddleChart.element.hidden = false;
              straddleChart.show({
                lines: {
                  series: [
                    {
                      name: 'Straddle',
                      stroke: color('atm'),
                      points: answer.entries.map((e) => timed(e.time, e.straddle)),
                    },
                    {
                      name: 'Average',
                      stroke: color('not-live'),
                      points: answer.entries.map((e) => timed(e.time, e.average)),
                    },
                  ],
                },
              });
            },
            () => (straddleChart.element.hidden = true),
          ),
        );
      }
      await Promise.allSettled(reads);
    },
  };
}
