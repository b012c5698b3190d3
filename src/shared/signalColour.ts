// Colouring the embedding map by a curation signal: the Map tab's colour picker offers each signal as
// a pseudo-column `signal:<kind>`; the host answers it from the Curation tab's last answer (the same
// scores its lists show), on a continuous scale.
import type { CurationSignal } from './types';

export const SIGNAL_COLOUR_PREFIX = 'signal:';

export const SIGNAL_COLOUR_LABELS: Record<CurationSignal, string> = {
  duplicates: 'near-duplicate distance (curation)',
  byteDuplicates: 'exact copies (curation)',
  labelErrors: 'label disagreement (curation)',
  outliers: 'outlier distance (curation)',
};

/** The signal a colour choice names, or undefined for a column. */
export function signalOfColour(colorBy: string | undefined): CurationSignal | undefined {
  if (!colorBy?.startsWith(SIGNAL_COLOUR_PREFIX)) return undefined;
  const kind = colorBy.slice(SIGNAL_COLOUR_PREFIX.length);
  return kind in SIGNAL_COLOUR_LABELS ? (kind as CurationSignal) : undefined;
}
