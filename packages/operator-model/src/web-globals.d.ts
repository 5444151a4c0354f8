// The one platform API this package uses, present alike in browsers and in Node (global since 11);
// declared here so that neither the DOM nor Node's types are needed.
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
