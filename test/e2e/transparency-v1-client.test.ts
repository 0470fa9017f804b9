import { connectV1 } from './helpers/v1-client.js';
import { defineTransparencySuite, legacySections } from './helpers/transparency-suite.js';

defineTransparencySuite(
  'Transparency: a v1 SDK client drives server-everything through the shim exactly as direct',
  connectV1,
  [...legacySections, 'tasks'],
);
