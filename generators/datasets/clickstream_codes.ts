/** clickstream_codes generator: every HTTP status code once, then again after each refresh interval. */
import { numberFlag, pause, records, type DatasetModule, type FlagSpec } from '../dataset-module';
import { CLICKSTREAM_CODES } from './clickstream-reference';
import { clickstreamCodesSchema } from './clickstream_codes.schema';

export const REFERENCE_REFRESH_FLAG: FlagSpec = {
  name: 'refresh-ms',
  kind: 'integer',
  default: 300_000,
  min: 1,
  description: 'After producing the whole reference set, wait this long and produce it again',
};

export const clickstreamCodesModule: DatasetModule = {
  schema: clickstreamCodesSchema,
  flags: [REFERENCE_REFRESH_FLAG],
  create({ flags }) {
    const refreshMs = numberFlag(flags, 'refresh-ms');
    let index = 0;
    return {
      next() {
        if (index === CLICKSTREAM_CODES.length) {
          index = 0;
          return pause(refreshMs);
        }
        const { code, definition } = CLICKSTREAM_CODES[index++];
        return records({ code, definition });
      },
    };
  },
};
