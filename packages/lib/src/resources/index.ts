export {
  EMPTY, resources, add, subtract, contains, isEmpty, scalar, rangeCount, normalizeRanges, formatRanges,
  formatResources, parseResources, toProto, fromProto, toStateJson, ResourcesParseError,
  parseReservedResources, splitByRole, totalOf, toProtoReserved, reservationRole, formatReservedResources, minScalars, intersect, rangeValues,
} from './resources';
export type { Resources, Range, ReservedResources } from './resources';
