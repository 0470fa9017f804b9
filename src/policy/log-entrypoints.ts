/** OPA's decision-log entrypoints; optional in any policy, present in the default one. */
export const MASK_ENTRYPOINT = 'system/log/mask';
export const DROP_ENTRYPOINT = 'system/log/drop';
