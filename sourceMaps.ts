/**
 * Loaded by the Pulumi CLI before the program (`Pulumi.yaml`: `nodeargs: "--import tsx --import ./sourceMaps.ts"`)
 * so that stack traces from the program point at TypeScript lines (`stackConfig.ts:251:9`), not at tsx's compiled
 * output (`stackConfig.ts:2:511`).
 *
 * tsx compiles each module in memory with an inline source map and turns Node's source maps on, which alone would
 * map every frame. But the Pulumi SDK's entry point (`@pulumi/pulumi/cmd/run`) then installs `source-map-support`,
 * whose `Error.prepareStackTrace` replaces Node's own (so `--enable-source-maps` changes nothing) and looks for maps
 * in the files on disk, where a `.ts` source has none. Installed first, here, with the maps Node keeps for the
 * modules tsx compiled, it maps the program's frames as well as the SDK's; the SDK's later install changes nothing.
 */
import { createRequire, findSourceMap } from "node:module";
import { dirname, relative } from "node:path";
import { fileURLToPath } from "node:url";

/** A source map as `source-map-support` takes it from a `retrieveSourceMap` handler. */
interface RetrievedSourceMap {
  url: string;
  map: string;
}

/** The part of `source-map-support` used here. */
interface SourceMapSupport {
  install(options: { retrieveSourceMap(source: string): RetrievedSourceMap | null }): void;
}

/**
 * The source map Node holds for an ES module tsx compiled (the `file://` URL of a stack frame), its sources made
 * relative to the module, as `source-map-support` resolves them; null for anything else, which `source-map-support`
 * then looks up as before (the SDK's own `.js.map` files).
 */
function tsxSourceMap(source: string): RetrievedSourceMap | null {
  if (!source.startsWith("file://")) return null;
  const payload = findSourceMap(source)?.payload;
  if (payload === undefined || !payload.sources.every((s) => s.startsWith("file://"))) return null;
  const folder = dirname(fileURLToPath(source));
  const sources = payload.sources.map((s) => relative(folder, fileURLToPath(s)));
  return { url: source, map: JSON.stringify({ ...payload, sources }) };
}

/** The copy of `source-map-support` the Pulumi SDK loads, or undefined where the SDK or the package is missing. */
function sdkSourceMapSupport(): SourceMapSupport | undefined {
  try {
    const sdk = createRequire(import.meta.url).resolve("@pulumi/pulumi");
    return createRequire(sdk)("source-map-support") as SourceMapSupport;
  } catch {
    return undefined;
  }
}

// Without the package, nothing replaces Node's own source maps, and tsx's apply.
sdkSourceMapSupport()?.install({ retrieveSourceMap: tsxSourceMap });
