import { checkNumber } from '@convkit/backend';
import { computeFans, type Fans } from '../fans';

/** Explicit fans, for weights whose layout is not a dense `[.., in, out]` map (grouped, depthwise). */
export type FanOverride = Pick<Fans, 'fanIn' | 'fanOut'>;

/** The fans of `shape`, or the validated override. */
export function resolveFans(
  who: string,
  shape: readonly number[],
  fans: FanOverride | undefined,
): FanOverride {
  if (fans === undefined) return computeFans(shape);
  if (fans === null || typeof fans !== 'object') throw new Error(`${who}: fans must be { fanIn, fanOut }`);
  return {
    fanIn: checkNumber(who, 'fans.fanIn', fans.fanIn, { min: 0 }),
    fanOut: checkNumber(who, 'fans.fanOut', fans.fanOut, { min: 0 }),
  };
}
