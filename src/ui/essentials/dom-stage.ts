/**
 * The stage as the recorder sees it: the tiles inside the call's grid, read from the DOM on
 * every frame (people's tiles and screen shares alike) so layout changes (stage view, someone joining, a camera going off) are recorded
 * as they happen.
 */
import type { StageSource, StageTile } from '../../recording/stage-compositor';

export function domStage(grid: HTMLElement): StageSource {
  return {
    rect: () => grid.getBoundingClientRect(),
    tiles: () =>
      [...grid.querySelectorAll<HTMLElement>('figure.tile')].map((figure): StageTile => {
        const video = figure.querySelector('video');
        // A tile showing the avatar has its camera off: draw the name card, not a frozen frame.
        const camOff = figure.querySelector('.avatar') !== null;
        return {
          rect: figure.getBoundingClientRect(),
          video: video && !camOff ? video : null,
          label: figure.getAttribute('aria-label') ?? '',
          mirrored: video?.classList.contains('mirrored') ?? false,
        };
      }),
  };
}
