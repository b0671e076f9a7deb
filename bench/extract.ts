/**
 * `npm run bench:extract`: extractor throughput against a TMDB-compatible server with realistic
 * latency (80 ms ± 30 ms) and TMDB's rate limit (40 requests/s, 429 above it), 25 pages (500 movies).
 * Prints movies/s, the achieved request rate as a fraction of the limit, 429s, retries, latency
 * percentiles and the ratio to the original design's client (sequential, 0.25 s sleep per request),
 * measured in the same run on fewer pages and extrapolated (the output says so).
 *
 * Then a cold-start proxy of the Lambda: the bundle's size, and the median time to import it in a fresh Node
 * process and run its handler once (one page, a server without latency), over BENCH_COLD_STARTS processes.
 *
 * Environment: BENCH_PAGES (default 25), BENCH_BASELINE_PAGES (default 2), TMDB_MAX_RPS and
 * TMDB_MAX_CONCURRENCY (the extractor's own settings; defaults as in production), BENCH_COLD_STARTS (default 9;
 * 0 skips the cold starts).
 */
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { loadConfig } from "../functions/extractor/config";
import { runExtraction } from "../functions/extractor/extract";
import { silentLogger } from "../functions/extractor/logger";
import { s3ServerClient, startS3Server } from "../servers/s3Server";
import { startTmdbServer } from "../servers/tmdbServer";
import { BUNDLE_ENTRY_FILE } from "../functions/bundle";
import { EXTRACTOR_SERVICE_NAME } from "../functions/extractor/runMetrics";
import { buildCatalog, movieRange } from "../test/support/catalog";
import { runInFreshContainer, startTestEnv, writeExtractorBundle } from "../test/support/testEnv";

const RATE_LIMIT = 40;
const LATENCY = { meanMs: 80, jitterMs: 30 };
const TOKEN = "bench-token";
const BUCKET = "bench-raw";
const pages = Number(process.env["BENCH_PAGES"] ?? 25);
const baselinePages = Number(process.env["BENCH_BASELINE_PAGES"] ?? 2);
const coldStarts = Number(process.env["BENCH_COLD_STARTS"] ?? 9);

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

/**
 * The bundle's size, and the medians over `runs` fresh processes of importing it and of importing it and running
 * the handler once on one page, against servers on 127.0.0.1 (no latency).
 */
async function measureColdStarts(
  runs: number,
): Promise<{ bytes: number; importMs: number; totalMs: number }> {
  const bundle = await writeExtractorBundle();
  const env = await startTestEnv({ catalog: buildCatalog(movieRange(20, 1)) });
  try {
    const vars = env.env({
      TMDB_PAGES: "1",
      LOG_LEVEL: "silent",
      POWERTOOLS_SERVICE_NAME: EXTRACTOR_SERVICE_NAME,
      POWERTOOLS_METRICS_NAMESPACE: "tmdb-genre-roi/bench",
    });
    const measured = [];
    for (let i = 0; i < runs; i += 1) measured.push(await runInFreshContainer(bundle.dir, vars, [{}]));
    const median = (values: number[]) => percentile(values, 50);
    return {
      bytes: (await stat(join(bundle.dir, BUNDLE_ENTRY_FILE))).size,
      importMs: median(measured.map((m) => m.importMs)),
      totalMs: median(measured.map((m) => m.totalMs)),
    };
  } finally {
    await env.close();
    await bundle.remove();
  }
}

/** The original design: one request at a time, 0.25 s sleep after each. */
async function baselineRun(
  baseUrl: string,
  pageCount: number,
): Promise<{ requests: number; movies: number; ms: number }> {
  const started = performance.now();
  const sleep = () => new Promise((r) => setTimeout(r, 250));
  const get = async (path: string) => {
    const res = await fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    return (await res.json()) as { results?: { id: number }[] };
  };
  let requests = 0;
  const ids: number[] = [];
  for (let page = 1; page <= pageCount; page += 1) {
    const body = await get(`/movie/popular?page=${page}`);
    requests += 1;
    await sleep();
    for (const r of body.results ?? []) if (!ids.includes(r.id)) ids.push(r.id);
  }
  for (const id of ids) {
    await get(`/movie/${id}`);
    requests += 1;
    await sleep();
  }
  return { requests, movies: ids.length, ms: performance.now() - started };
}

const movies = movieRange(pages * 20, 10_000);
const catalog = buildCatalog(movies);
const directory = await mkdtemp(join(tmpdir(), "bench-extract-"));
const s3 = await startS3Server({ directory, buckets: [BUCKET] });
const tmdb = await startTmdbServer({
  catalog,
  token: TOKEN,
  latency: LATENCY,
  rateLimitPerSecond: RATE_LIMIT,
});
const s3Client = s3ServerClient(s3.endpoint);

try {
  const config = loadConfig({
    ...process.env,
    TMDB_API_BASE_URL: tmdb.baseUrl,
    TMDB_API_TOKEN: TOKEN,
    TMDB_SECRET_ARN: "",
    RAW_BUCKET: BUCKET,
    TMDB_PAGES: String(pages),
    AWS_ENDPOINT_URL_S3: s3.endpoint,
  });
  const summary = await runExtraction(config, { logger: silentLogger, s3: s3Client });
  const landedIds = new Set<number>();
  if (summary.key) {
    const object = await s3Client.send(new GetObjectCommand({ Bucket: BUCKET, Key: summary.key }));
    const body = (await object.Body?.transformToString()) ?? "";
    for (const line of body.split("\n").filter(Boolean))
      landedIds.add((JSON.parse(line) as { id: number }).id);
  }
  const lost = movies.filter((m) => !landedIds.has(m["id"] as number)).length;
  const seconds = summary.durationMs / 1000;
  const achievedRps = summary.requests / seconds;
  const serverStats = { ...tmdb.stats, latenciesMs: [...tmdb.stats.latenciesMs] };
  const httpSeconds = ((serverStats.lastResponseAt ?? 0) - (serverStats.firstRequestAt ?? 0)) / 1000;
  const sustainedRps = serverStats.requests / httpSeconds;

  // Baseline on a fresh window of the same server.
  await new Promise((r) => setTimeout(r, 1100));
  const baseline = await baselineRun(tmdb.baseUrl, baselinePages);
  const baselineMsPerRequest = baseline.ms / baseline.requests;
  const baselineExtrapolatedS = (baselineMsPerRequest * summary.requests) / 1000;

  const row = (label: string, value: string) => console.log(`${label.padEnd(34)} ${value}`);
  console.log(
    `Extractor benchmark: ${pages} pages, ${movies.length} movies; server latency ${LATENCY.meanMs} ms ± ${LATENCY.jitterMs} ms, limit ${RATE_LIMIT} req/s (429 above)`,
  );
  console.log(
    `Extractor settings: TMDB_MAX_RPS=${config.maxRps}, TMDB_MAX_CONCURRENCY=${config.maxConcurrency}, TMDB_TIMEOUT_MS=${config.timeoutMs}, TMDB_MAX_RETRIES=${config.maxRetries}`,
  );
  row("duration", `${seconds.toFixed(2)} s`);
  row("movies landed / lost", `${summary.landed} / ${lost}`);
  row("movies/s", (summary.landed / seconds).toFixed(1));
  row("requests (incl. retries)", String(summary.requests));
  row(
    "achieved requests/s (whole run)",
    `${achievedRps.toFixed(1)} = ${((100 * achievedRps) / RATE_LIMIT).toFixed(1)} % of the ${RATE_LIMIT} req/s limit (incl. start-up and the S3 write)`,
  );
  row(
    "sustained requests/s (HTTP phase)",
    `${sustainedRps.toFixed(1)} = ${((100 * sustainedRps) / RATE_LIMIT).toFixed(1)} % (first request to last response, ${httpSeconds.toFixed(2)} s, seen by the server)`,
  );
  row("429 responses", String(serverStats.rateLimited));
  row("retries", String(summary.retries));
  row(
    "server latency p50 / p95",
    `${percentile(serverStats.latenciesMs, 50).toFixed(0)} ms / ${percentile(serverStats.latenciesMs, 95).toFixed(0)} ms`,
  );
  row("max requests in flight", String(serverStats.maxInFlight));
  console.log(
    `Baseline (original design: sequential, 0.25 s sleep per request), MEASURED on ${baselinePages} pages ` +
      `(${baseline.requests} requests in ${(baseline.ms / 1000).toFixed(1)} s = ${baselineMsPerRequest.toFixed(0)} ms/request), ` +
      `EXTRAPOLATED to this run's ${summary.requests} requests:`,
  );
  row(
    "baseline duration (extrapolated)",
    `${baselineExtrapolatedS.toFixed(1)} s (${(1000 / baselineMsPerRequest).toFixed(2)} req/s)`,
  );
  row("speed-up over baseline", `${(baselineExtrapolatedS / seconds).toFixed(1)} x`);
  const ok = lost === 0 && achievedRps / RATE_LIMIT >= 0.85;
  console.log(
    ok
      ? "Goal met: >= 85 % of the rate limit with zero lost movies."
      : "Goal NOT met (>= 85 % of the rate limit with zero lost movies).",
  );
  if (coldStarts > 0) {
    const cold = await measureColdStarts(coldStarts);
    console.log(`Lambda cold-start proxy: the bundle in ${coldStarts} fresh Node processes (median)`);
    row(`bundle ${BUNDLE_ENTRY_FILE}`, `${cold.bytes} bytes (${(cold.bytes / 1024).toFixed(0)} KiB)`);
    row("import", `${cold.importMs.toFixed(0)} ms`);
    row("import + handler (1 page)", `${cold.totalMs.toFixed(0)} ms`);
  }
} finally {
  s3Client.destroy();
  await Promise.allSettled([tmdb.close(), s3.close()]);
  await rm(directory, { recursive: true, force: true });
}
