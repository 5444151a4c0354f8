// The operator surface's model: pure functions from the APIs' JSON to what a person reads, shared
// by the web UI (bundled into the browser: no Node, no DOM here) and the CLI.
export * from './summary';
export * from './jobs';
export * from './tasks';
export * from './roles';
export * from './virtual';
export * from './services';
