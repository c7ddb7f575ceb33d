import { availableParallelism } from 'node:os';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { defineConfig } from 'vitest/config';

/**
 * The long files (a simulated week, the fault scenarios, whole daemons and processes) start first, so
 * the short ones fill the workers around them instead of the run ending on one long file.
 */
const LONG_FIRST = [
  /test\/soak\//,
  /test\/faults\//,
  /test\/e2e\//,
  /test\/history\//,
  /test\/web\//,
  /test\/ops\//,
  /test\/hostile\//,
  /test\/bots\//,
];

class LongFilesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (file: TestSpecification) => {
      const index = LONG_FIRST.findIndex((pattern) => pattern.test(file.moduleId.replaceAll('\\', '/')));
      return index === -1 ? LONG_FIRST.length : index;
    };
    return sorted
      .map((file, order) => ({ file, order }))
      .sort((a, b) => rank(a.file) - rank(b.file) || a.order - b.order)
      .map(({ file }) => file);
  }
}

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    // Most files spend their time waiting (on sockets, timers, child processes), not computing: two
    // files per core keep the cores busy (vitest's default would be one file at a time on 2 cores).
    maxWorkers: Math.max(2, availableParallelism() * 2),
    sequence: { sequencer: LongFilesFirst },
  },
});
