import { buildSync } from "esbuild";
import { fileURLToPath } from "node:url";

/** Node major of the Lambda runtime the extractor is built for and deployed on. */
export const LAMBDA_RUNTIME = "nodejs24.x";

/** File name Lambda's Node runtime loads as an ES module; the handler is `index.handler`. */
export const BUNDLE_ENTRY_FILE = "index.mjs";

const ENTRY_POINT = fileURLToPath(new URL("./extractor/handler.ts", import.meta.url));

/**
 * Bundles the extractor into one ES module plus its source map, in memory.
 *
 * Everything is bundled, @aws-sdk included: the runtime's copy of the SDK is
 * upgraded by AWS on its own schedule, so bundling pins the exact SDK the tests ran against.
 * The result is about 0.8 MiB (zod is imported as a namespace so that esbuild drops its unused
 * locales); the test suite runs this bundle, not the TypeScript sources.
 */
export function buildExtractorBundle(): Record<
  typeof BUNDLE_ENTRY_FILE | `${typeof BUNDLE_ENTRY_FILE}.map`,
  string
> {
  const result = buildSync({
    entryPoints: [ENTRY_POINT],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node24",
    minify: true,
    sourcemap: "linked",
    sourcesContent: false,
    outfile: BUNDLE_ENTRY_FILE,
    write: false,
    legalComments: "none",
    // Deliberately empty: nothing is taken from the runtime, not even @aws-sdk (see above).
    external: [],
    logLevel: "silent",
    // ESM output still meets CommonJS dependencies that call require() on Node built-ins.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
  });
  const code = result.outputFiles.find((f) => f.path.endsWith(BUNDLE_ENTRY_FILE));
  const map = result.outputFiles.find((f) => f.path.endsWith(`${BUNDLE_ENTRY_FILE}.map`));
  if (!code || !map) throw new Error("esbuild produced no extractor bundle");
  return { [BUNDLE_ENTRY_FILE]: code.text, [`${BUNDLE_ENTRY_FILE}.map`]: map.text } as Record<
    typeof BUNDLE_ENTRY_FILE | `${typeof BUNDLE_ENTRY_FILE}.map`,
    string
  >;
}
