/**
 * The CLI's view of a usage error. The class lives in config (validators throw it and config must
 * not import cli); this module is where cli code imports it from.
 */
export { UsageError } from '../config/usage-error.js';

/** Exit code for a bad option, value or command shape. */
export const USAGE_EXIT_CODE = 2;
