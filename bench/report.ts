// The benchmark runner's rows: collected per platform, printed as a table per suite, found again for ratios.
import type { Row } from './suites/portable.mjs';

export type PlatformRow = Row & { platform: string };

export class Report {
  readonly rows: PlatformRow[] = [];

  /** Prints `found` under a heading per suite and keeps them, tagged with `platform`. */
  add(platform: string, found: Row[]): void {
    let suite = '';
    for (const r of found) {
      if (r.suite !== suite) { suite = r.suite; console.log(`\n${platform} · ${suite}`); }
      const extra = [
        r.fractionOfPeak !== undefined ? `${(100 * r.fractionOfPeak).toFixed(0)}% of peak` : '',
        r.stepsRun !== undefined && r.stepsRun < 1 ? `${(100 * r.stepsRun).toFixed(0)}% of k steps run` : '',
        r.epochSeconds !== undefined ? `epoch ${r.epochSeconds.toFixed(2)} s${r.epochScaledFromSteps ? ` (scaled from ${r.epochScaledFromSteps} steps)` : ''}` : '',
      ].filter(Boolean).join(', ');
      const ms = Number.isNaN(r.medianMs) ? '' : `${r.medianMs.toFixed(3).padStart(10)} ms`;
      console.log(`  ${r.name.padEnd(70)} ${ms.padStart(13)} ${r.throughput.toPrecision(4).padStart(10)} ${r.unit.padEnd(10)} ${extra}`);
      this.rows.push({ platform, ...r });
    }
  }

  /** The first row of `platform` and `suite` whose name starts with `prefix`. */
  find(platform: string, suite: string, prefix: string): PlatformRow | undefined {
    return this.rows.find((r) => r.platform === platform && r.suite === suite && r.name.startsWith(prefix));
  }
}
