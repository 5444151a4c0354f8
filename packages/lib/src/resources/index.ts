export {
  EMPTY, resources, add, subtract, contains, isEmpty, scalar, rangeCount, normalizeRanges, formatRanges,
  formatResources, parseResources, toProto, fromProto, toStateJson, ResourcesParseError,
} from './resources';
export type { Resources, Range } from './resources';
