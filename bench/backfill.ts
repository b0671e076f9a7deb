/**
 * `npm run bench:backfill`: a backfill of the demo history's large preset (56 release years, 1970-2025,
 * more than 12,000 movies with revenue, 2019 crowded past TMDB's 500 pages) against a TMDB-compatible
 * server with TMDB's rate limit (40 requests/s, 429 above it) and latency (80 ms ± 30 ms), landing in
 * an S3-compatible server, with the extractor's production settings.
 *
 * Prints: the duration, movies landed and lost, detail requests per distinct movie (1.00: none fetched
 * twice), the sustained request rate as a share of TMDB_MAX_RPS, 429s and retries. Then a resume run
 * on an empty bucket: aborted once half of the years are done, resumed with the same event; prints the
 * detail requests the resume repeated, against what the years under way at the abort cost. Last, the
 * wall time of a full backfill of the real TMDB at the same settings, from the measured cost per movie
 * with revenue (TMDB publishes no count of such movies: the estimate is printed for several).
 *
 * Environment: TMDB_MAX_RPS, TMDB_MAX_CONCURRENCY and BACKFILL_YEAR_CONCURRENCY (the extractor's own
 * settings; production defaults otherwise), BENCH_RESUME=0 to skip the resume run.
 */
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FIRST_FILM_YEAR } from "../contract/pipeline";
import { loadConfig, type ExtractorConfig } from "../functions/extractor/config";
import type { BackfillEvent } from "../functions/extractor/event";
import { runEvent, type BackfillSummary } from "../functions/extractor/extract";
import { silentLogger } from "../functions/extractor/logger";
import { buildDemoHistory, DEMO_HISTORY_LARGE } from "../servers/demoCatalog";
import { s3ServerClient, startS3Server } from "../servers/s3Server";
import { startTmdbServer, type TmdbServer } from "../servers/tmdbServer";

const RATE_LIMIT = 40;
const LATENCY = { meanMs: 80, jitterMs: 30 };
const TOKEN = "bench-token";
const EVENT: BackfillEvent = {
  mode: "backfill",
  fromYear: DEMO_HISTORY_LARGE.fromYear ?? 1970,
  toYear: DEMO_HISTORY_LARGE.toYear ?? 2025,
};
/** Movies with revenue a real backfill may find: TMDB publishes no count, so several are shown. */
const REAL_CATALOG_SIZES = [10_000, 20_000, 50_000];

const row = (label: string, value: string) => console.log(`  ${label.padEnd(40)} ${value}`);
const pct = (part: number, whole: number) => `${((100 * part) / whole).toFixed(1)} %`;

/** Detail requests the server received so far, by movie id. */
function detailRequests(tmdb: TmdbServer): Map<number, number> {
  const counts = new Map<number, number>();
  for (const [path, count] of Object.entries(tmdb.stats.byPath)) {
    const id = /^\/3\/movie\/(\d+)$/.exec(path)?.[1];
    if (id !== undefined) counts.set(Number(id), count);
  }
  return counts;
}

const history = buildDemoHistory(DEMO_HISTORY_LARGE);
const releaseYear = (id: number) =>
  Number(String(history.details.get(id)?.["release_date"] ?? "").slice(0, 4));
const revenueMovies = [...history.details.values()].filter(
  (m) => m["adult"] !== true && Number(m["revenue"]) > 0,
);
/** Movies with revenue a backfill can reach: TMDB's discover lists a movie by its primary release year. */
const withRevenue = revenueMovies.filter((m) => releaseYear(m["id"] as number) >= EVENT.fromYear);
const undated = revenueMovies.length - withRevenue.length;
const directory = await mkdtemp(join(tmpdir(), "bench-backfill-"));
const s3 = await startS3Server({ directory, buckets: ["bench-full", "bench-resume"] });
const tmdb = await startTmdbServer({
  catalog: history,
  token: TOKEN,
  latency: LATENCY,
  rateLimitPerSecond: RATE_LIMIT,
});
const s3Client = s3ServerClient(s3.endpoint);
const configFor = (bucket: string): ExtractorConfig =>
  loadConfig({
    ...process.env,
    TMDB_API_BASE_URL: tmdb.baseUrl,
    TMDB_API_TOKEN: TOKEN,
    TMDB_SECRET_ARN: "",
    RAW_BUCKET: bucket,
    AWS_ENDPOINT_URL_S3: s3.endpoint,
  });

/** Ids of the movies in the landed objects. */
async function landedIds(bucket: string, keys: string[]): Promise<Set<number>> {
  const ids = new Set<number>();
  for (const key of keys) {
    const object = await s3Client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const body = (await object.Body?.transformToString("utf8")) ?? "";
    for (const line of body.split("\n").filter(Boolean)) ids.add((JSON.parse(line) as { id: number }).id);
  }
  return ids;
}

/** The clean run: every year, once. */
async function fullRun(config: ExtractorConfig) {
  const before = { requests: tmdb.stats.requests, logLength: tmdb.stats.log.length };
  const summary = (await runEvent(config, EVENT, { logger: silentLogger, s3: s3Client })) as BackfillSummary;
  const served = tmdb.stats.log.slice(before.logLength);
  const httpSeconds = ((served.at(-1)?.endedAt ?? 0) - (served[0]?.startedAt ?? 0)) / 1000;
  const details = detailRequests(tmdb);
  const perYear = new Map<number, number>();
  for (const [id, count] of details)
    perYear.set(releaseYear(id), (perYear.get(releaseYear(id)) ?? 0) + count);
  return { summary, served: served.length, httpSeconds, details, perYear };
}

/** The resume run: aborted once half of the years are done, then resumed with the same event. */
async function resumeRun(config: ExtractorConfig) {
  const before = detailRequests(tmdb);
  const controller = new AbortController();
  let underway: number[] = [];
  const aborted = runEvent(config, EVENT, {
    logger: silentLogger,
    s3: s3Client,
    signal: controller.signal,
    onProgress(progress) {
      if (controller.signal.aborted || progress.yearsDone < progress.yearsTotal / 2) return;
      underway = progress.yearsUnderway;
      controller.abort(new Error("bench: aborted at half of the years"));
    },
  }).catch((error: unknown) => error);
  await aborted;
  const atAbort = detailRequests(tmdb);
  await new Promise((resolve) => setTimeout(resolve, 1100)); // a fresh rate-limit window
  const resumed = (await runEvent(config, EVENT, { logger: silentLogger, s3: s3Client })) as BackfillSummary;
  const after = detailRequests(tmdb);
  let refetched = 0;
  for (const [id, count] of after) {
    const inAborted = (atAbort.get(id) ?? 0) - (before.get(id) ?? 0);
    const inResume = count - (atAbort.get(id) ?? 0);
    if (inAborted > 0) refetched += inResume;
  }
  return { resumed, underway, refetched };
}

try {
  const config = configFor("bench-full");
  console.log(
    `Backfill benchmark: demo history, large preset: ${history.details.size} movies, ${withRevenue.length} with revenue ` +
      `and a release date (${undated} more have none, so no year lists them), ` +
      `release years ${EVENT.fromYear}-${EVENT.toYear}; server latency ${LATENCY.meanMs} ms ± ${LATENCY.jitterMs} ms, ` +
      `limit ${RATE_LIMIT} req/s (429 above)`,
  );
  console.log(
    `Extractor settings: TMDB_MAX_RPS=${config.maxRps}, TMDB_MAX_CONCURRENCY=${config.maxConcurrency}, ` +
      `BACKFILL_YEAR_CONCURRENCY=${config.backfillYearConcurrency}, TMDB_MAX_RETRIES=${config.maxRetries}`,
  );
  const full = await fullRun(config);
  const { summary } = full;
  const landed = await landedIds("bench-full", summary.keys);
  const lost = withRevenue.filter((m) => !landed.has(m["id"] as number)).length;
  const detailCount = [...full.details.values()].reduce((sum, n) => sum + n, 0);
  const seconds = summary.durationMs / 1000;
  const sustained = full.served / full.httpSeconds;
  console.log("Full backfill:");
  row("duration", `${seconds.toFixed(1)} s`);
  row("movies landed / lost", `${summary.landed} / ${lost} (of ${withRevenue.length} with revenue)`);
  row("years / split into date ranges", `${summary.yearsCompleted.length} / ${summary.splitYears}`);
  row("discover pages / detail requests", `${summary.pages} / ${detailCount}`);
  row(
    "detail requests per distinct movie",
    `${(detailCount / full.details.size).toFixed(2)} (${full.details.size} movies)`,
  );
  row(
    "sustained requests/s (server's view)",
    `${sustained.toFixed(1)} = ${pct(sustained, config.maxRps)} of TMDB_MAX_RPS (${config.maxRps})`,
  );
  row("429 responses / retries", `${tmdb.stats.rateLimited} / ${summary.retries}`);
  const perMovie = seconds / summary.landed;
  const requestsPerMovie = summary.requests / withRevenue.length;
  row(
    "cost per movie with revenue",
    `${requestsPerMovie.toFixed(2)} requests, ${(1000 * perMovie).toFixed(1)} ms per movie landed`,
  );
  console.log(
    `Estimated full real-TMDB backfill (${FIRST_FILM_YEAR}-${new Date().getUTCFullYear()}) at TMDB_MAX_RPS=${config.maxRps}:`,
  );
  for (const size of REAL_CATALOG_SIZES) {
    const estimate = (size * requestsPerMovie) / config.maxRps;
    row(
      `${size.toLocaleString("en-US")} movies with revenue`,
      `${(estimate / 60).toFixed(0)} min (${Math.round(size * requestsPerMovie)} requests)`,
    );
  }
  const goals = lost === 0 && sustained / config.maxRps >= 0.95 && detailCount === full.details.size;
  console.log(
    goals
      ? "Goals met: 0 lost, >= 95 % of TMDB_MAX_RPS, no movie fetched twice."
      : "Goals NOT met (0 lost, >= 95 % of TMDB_MAX_RPS, no movie fetched twice).",
  );

  if (process.env["BENCH_RESUME"] !== "0") {
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const resume = await resumeRun(configFor("bench-resume"));
    const underwayCost = resume.underway.map((year) => full.perYear.get(year) ?? 0);
    console.log("Resume (aborted at half of the years, resumed with the same event):");
    row(
      "years under way at the abort",
      `${resume.underway.join(", ")} (${underwayCost.join(" + ")} detail requests in the full run)`,
    );
    row("detail requests repeated by the resume", String(resume.refetched));
    row("resume landed / done", `${resume.resumed.landed} / ${resume.resumed.done}`);
    const perYearMax = Math.max(...underwayCost, 0);
    console.log(
      resume.refetched <= underwayCost.reduce((sum, n) => sum + n, 0)
        ? `Goal met: the resume repeated only the years under way (at most ${perYearMax} requests each).`
        : "Goal NOT met: the resume repeated more than the years under way.",
    );
  }
} finally {
  s3Client.destroy();
  await Promise.allSettled([tmdb.close(), s3.close()]);
  await rm(directory, { recursive: true, force: true });
}
