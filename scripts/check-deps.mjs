// `npm run deps:check`: the import rules of docs/architecture.md (see .dependency-cruiser.cjs),
// checked with dependency-cruiser. Exits 1 on any violation, 2 when the check cannot run.
// Through its API rather than its `depcruise` bin, whose start-up check refuses Node 20
// (dependency-cruiser 18 declares node ^22); the cruise itself runs on Node 20.
import { createRequire } from 'node:module';
import { cruise, format } from 'dependency-cruiser';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';

const require = createRequire(import.meta.url);

try {
  // Relative to the working directory, as `depcruise` reads them: run from the package root.
  const config = require(`${process.cwd()}/.dependency-cruiser.cjs`);
  const result = await cruise(
    ['src'],
    { ...config.options, validate: true, ruleSet: { forbidden: config.forbidden } },
    undefined,
    { tsConfig: extractTSConfig(config.options.tsConfig.fileName) },
  );
  const { summary } = result.output;
  if (summary.error > 0 || summary.warn > 0) {
    const report = await format(result.output, { outputType: 'err-long' });
    process.stderr.write(report.output);
    process.exitCode = 1;
  } else {
    process.stdout.write(
      `deps:check: ${summary.totalCruised} modules, ${summary.totalDependenciesCruised} imports, ` +
        'no violations of docs/architecture.md\n',
    );
  }
} catch (error) {
  process.stderr.write(
    `deps:check could not run: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exitCode = 2;
}
