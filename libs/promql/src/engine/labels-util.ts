import type { Labels } from '@argus/model';
import { METRIC_NAME_LABEL } from '@argus/model';

/** Labels dropped together with the metric name in 3.x: `__name__`, `__type__`, `__unit__`. */
export const METADATA_LABELS: readonly string[] = [METRIC_NAME_LABEL, '__type__', '__unit__'];

/** `labels` without `__name__`, `__type__` and `__unit__`. */
export function dropMetadata(labels: Labels): Labels {
  const flat = labels.flat;
  let found = false;
  for (let i = 0; i < flat.length; i += 2) {
    const n = flat[i]!;
    if (n === '__name__' || n === '__type__' || n === '__unit__') {
      found = true;
      break;
    }
  }
  return found ? labels.drop(METADATA_LABELS) : labels;
}
