import { connectV2 } from './helpers/v2-client.js';
import { defineTransparencySuite, legacySections } from './helpers/transparency-suite.js';

// The v2 client probes with `server/discover`, falls back to `initialize` (server-everything is
// legacy), then runs every legacy feature. The v2 SDK has no task runtime, so no tasks section.
defineTransparencySuite(
  'Transparency: a dual-era v2 SDK client drives server-everything through the shim exactly as direct',
  (spec) => connectV2(spec, 'auto'),
  legacySections,
);
