/**
 * What a device group asks of its hardware profile that the profile may
 * not have, as input problems at the group's path: the group's network
 * technology among the profile's interfaces, a battery for a group that
 * gives one, and (for workloads that train) a precision to train at.
 */
import { InputError, type InputProblem } from '../errors.js';
import type { FleetGroup } from './fleet.js';
import type { HardwareProfile, ProfileLibrary } from './profiles.js';
import { resolvePrecision } from './roofline.js';
import type { DeviceClassSpec } from './spec.js';

/** The interface and battery problems of group `spec` (at `path`, e.g. `fleet[2]`) on `profile`. */
export function groupProfileProblems(
  spec: DeviceClassSpec,
  profile: HardwareProfile,
  path: string,
): InputProblem[] {
  const problems: InputProblem[] = [];
  if (!profile.interfaces.includes(spec.network.technology))
    problems.push({
      path: `${path}.network.technology`,
      message: `hardware profile "${profile.name}" has no ${spec.network.technology} interface; it has ${profile.interfaces.join(', ')}`,
    });
  if (spec.battery && profile.batteryJ === undefined)
    problems.push({
      path: `${path}.battery`,
      message: `hardware profile "${profile.name}" has no battery (mains-powered)`,
    });
  return problems;
}

/** The problem of a profile that cannot train (no fp32, nor a fallback for it), or none. */
export function trainingProblems(profile: HardwareProfile, path: string): InputProblem[] {
  const precision = resolvePrecision(profile, 'fp32');
  return precision.ok
    ? []
    : [{ path: `${path}.profile`, message: `"${profile.name}" cannot train: ${precision.reason}` }];
}

/**
 * Resolves the profiles of a fleet whose devices train (federated and
 * on-device learning), adding to `problems` every unknown profile, missing
 * interface or battery, and profile that cannot train, each at its group's
 * path. Returns the groups that resolved and the fleet's device count.
 */
export function trainingGroups<Spec extends DeviceClassSpec>(
  fleet: readonly Spec[],
  library: ProfileLibrary,
  file: string,
  problems: InputProblem[],
): { groups: FleetGroup<Spec>[]; devices: number } {
  const groups: FleetGroup<Spec>[] = [];
  let first = 0;
  fleet.forEach((spec, i) => {
    const path = `fleet[${i}]`;
    try {
      const profile = library.resolve(spec.profile, spec.overrides, {
        file,
        path: `${path}.profile`,
      });
      groups.push({ spec, profile, first });
      problems.push(...groupProfileProblems(spec, profile, path));
      problems.push(...trainingProblems(profile, path));
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      problems.push(...error.problems);
    }
    first += spec.count;
  });
  return { groups, devices: first };
}
