/**
 * The evaluation times of one (sub)query: `start`, `start + interval`, … up to `end`
 * (inclusive), in ms. An instant query is a grid of one step.
 */
export class Grid {
  readonly steps: number;
  readonly times: Float64Array;

  constructor(
    readonly start: number,
    readonly end: number,
    readonly interval: number,
  ) {
    this.steps = end < start ? 0 : Math.floor((end - start) / interval) + 1;
    this.times = new Float64Array(this.steps);
    for (let k = 0; k < this.steps; k++) this.times[k] = start + k * interval;
  }
}
