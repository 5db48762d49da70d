/**
 * The network interfaces a device class may have: shared vocabulary of
 * hardware profiles (fleet/), link technologies (network/) and scenarios.
 * Imports nothing.
 */

/** Access technologies, as scenario files and hardware profiles spell them. */
export const INTERFACES = ['ethernet', 'wifi5', 'wifi6', 'lte', '5g', 'lorawan', 'nbiot'] as const;

/** One access technology (see network/technologies.ts for its rates and radio). */
export type NetworkInterface = (typeof INTERFACES)[number];
