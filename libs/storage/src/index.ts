export type { Appendable, Appender, SeriesRef } from './appender.ts';
export type { Querier, Queryable, SampleBlock, SelectHints, Series } from './queryable.ts';
export {
  DuplicateSampleError,
  OutOfBoundsError,
  OutOfOrderSampleError,
  StorageError,
  TooOldSampleError,
} from './errors.ts';
export { InMemoryStorage, InvalidSeriesLabelsError } from './in-memory-storage.ts';
