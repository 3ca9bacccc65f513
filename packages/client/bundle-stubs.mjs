// What the browser bundle of <cosmo-classroom> leaves out of mediasoup-client: code a browser page
// never runs (the React Native handler, the fake handler and fake parameters for mediasoup-client's
// own tests) and its `debug` logger (silent unless a developer sets localStorage.debug), and
// protobufjs's optional `long` (the protocol has no 64-bit integers); and the indentation of the
// element's templates (bundle-templates.mjs). Used by
// vite.bundle.config.ts and by `pnpm bench weight`, so the bench measures the file we ship.

import { collapseTemplatesPlugin } from './bundle-templates.mjs';

const stubs = {
  'handlers/ReactNative106':
    'export class ReactNative106 { static createFactory() { throw new Error("React Native is not supported by this bundle"); } }',
  'handlers/FakeHandler':
    'export class FakeHandler { static createFactory() { throw new Error("FakeHandler is not in this bundle"); } }',
  'test/fakeParameters': 'export {};',
};
const silentDebug =
  'export default function debug() { const log = () => {}; log.enabled = false; return log; }';

/** Rolldown/Vite plugins: one swaps those modules for stubs, one collapses template whitespace. */
export function bundleStubs() {
  return [stubsPlugin(), collapseTemplatesPlugin()];
}

function stubsPlugin() {
  return {
    name: 'cosmo-bundle-stubs',
    enforce: 'pre',
    resolveId(source, importer) {
      if (source === 'debug' && importer?.includes('mediasoup-client')) return '\0cosmo-stub:debug';
      if (source === 'long' && importer?.includes('protobufjs')) return '\0cosmo-stub:long';
      if (!importer?.includes('mediasoup-client')) return null;
      for (const key of Object.keys(stubs)) {
        if (source === `./${key}` || source.endsWith(`/${key}`) || source.endsWith(`/${key}.js`))
          return `\0cosmo-stub:${key}`;
      }
      return null;
    },
    load(id) {
      if (!id.startsWith('\0cosmo-stub:')) return null;
      const key = id.slice('\0cosmo-stub:'.length);
      if (key === 'long') return 'export default null;';
      return key === 'debug' ? silentDebug : stubs[key];
    },
  };
}
