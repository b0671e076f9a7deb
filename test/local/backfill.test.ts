/**
 * `npm start -- --backfill`: the local stack extracting a backfill from the demo server (the demo
 * catalog and its decades of history), then loading, transforming and answering as for the popular
 * list. Real servers, DuckDB and dbt, in temporary folders.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { backfillDisplay } from "../../local/backfillProgress";
import { LocalStackError } from "../../local/options";
import { runLocalStack } from "../../local/pipeline";
import { openWarehouse } from "../../local/snowpipe/warehouse";
import { buildDemoCatalog, buildDemoHistory, withHistory } from "../../servers/demoCatalog";

function isolatedEnv(): NodeJS.ProcessEnv {
  const hidden = new Set(["TMDB_API_TOKEN", "TMDB_SECRET_ARN", "TMDB_ROI_STATE_DIR", "TMDB_ROI_DUCKDB_PATH"]);
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !hidden.has(name)));
}

async function rawIds(databasePath: string): Promise<Set<number>> {
  const warehouse = await openWarehouse(databasePath, { readOnly: true });
  try {
    const reader = await warehouse.connection.runAndReadAll(
      "select (record->>'id')::integer as id from raw.movies",
    );
    return new Set(reader.getRowObjectsJS().map((row) => Number(row["id"])));
  } finally {
    warehouse.close();
  }
}

const yearOf = (movie: Record<string, unknown>) => Number(String(movie["release_date"]).slice(0, 4));

describe("local stack with --backfill", function () {
  this.timeout(300_000);
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), "tmdb-roi-backfill-"));
  });
  after(() => rm(root, { recursive: true, force: true }));

  it("backfills the demo server's release years, then loads, transforms and answers by decade", async () => {
    const lines: string[] = [];
    const result = await runLocalStack({
      stateDir: join(root, "state"),
      outDir: join(root, "out"),
      backfill: { fromYear: 1990, toYear: 1999 },
      env: isolatedEnv(),
      write: (line) => lines.push(line),
    });

    // The demo server serves the popular demo catalog and its history: the same movies are expected.
    const served = [...withHistory(buildDemoCatalog(), buildDemoHistory()).details.values()];
    const ofTheNineties = served.filter((m) => yearOf(m) >= 1990 && yearOf(m) <= 1999 && m["adult"] !== true);
    const withRevenue = ofTheNineties.filter((m) => Number(m["revenue"]) > 0).map((m) => m["id"] as number);
    const landable = new Set(
      ofTheNineties.filter((m) => Number(m["budget"]) > 0 || Number(m["revenue"]) > 0).map((m) => m["id"]),
    );
    const landed = await rawIds(join(root, "state", "warehouse.duckdb"));
    assert.ok(withRevenue.length > 100, "the history has movies with revenue in the 1990s");
    assert.deepEqual(
      withRevenue.filter((id) => !landed.has(id)),
      [],
      "every movie with revenue landed",
    );
    assert.deepEqual(
      [...landed].filter((id) => !landable.has(id)),
      [],
      "nothing outside the years or the skip rule",
    );
    assert.equal(result.extraction?.mode, "backfill");
    assert.deepEqual(
      result.extraction.yearsCompleted,
      Array.from({ length: 10 }, (_, i) => 1990 + i),
    );
    assert.equal(result.load.rowsLoaded, result.extraction.landed);
    const decades = new Set(result.decadeMart.rows.map((row) => Number(row["release_decade"])));
    assert.deepEqual([...decades], [1990]);
    assert.ok(
      lines.some((line) => /^\s+\d+\/10 years done, now /.test(line)),
      "plain progress lines",
    );
    assert.ok(lines.some((line) => /10 year\(s\) landed now, 0 landed by earlier runs/.test(line)));
  });

  it("refuses --years it cannot backfill, and a backfill with --from-raw, before any stage", async () => {
    const run = (options: Parameters<typeof runLocalStack>[0]) =>
      runLocalStack({
        stateDir: join(root, "refused"),
        outDir: join(root, "out"),
        env: isolatedEnv(),
        write: () => undefined,
        ...options,
      });
    const refused = (stage: string, message: RegExp) => (error: unknown) =>
      error instanceof LocalStackError && error.stage === stage && message.test(error.message);

    await assert.rejects(
      run({ backfill: { fromYear: 2000, toYear: 1990 } }),
      refused("options", /^--years: fromYear must not be after toYear \(1990\)/),
    );
    await assert.rejects(
      run({ backfill: { fromYear: 1800 } }),
      refused("options", /^--years: fromYear must be a whole year from 1874/),
    );
    await assert.rejects(
      run({ backfill: {}, fromRaw: root }),
      refused("options", /--backfill and --from-raw exclude each other/),
    );
  });
});

describe("backfill progress display", () => {
  const progress = (yearsDone: number, requests: number) => ({
    yearsDone,
    yearsTotal: 10,
    yearsUnderway: [1990 + yearsDone, 1991 + yearsDone],
    pages: 3 * yearsDone,
    movies: 40 * yearsDone,
    requests,
  });

  it("writes a plain line at most every few seconds when not on a terminal", () => {
    const lines: string[] = [];
    const display = backfillDisplay((line) => lines.push(line), undefined);
    display.update(progress(1, 50));
    display.update(progress(2, 100));
    display.log("warning: movie details failed (id=7)");
    display.stop();

    assert.deepEqual(lines, [
      "1/10 years done, now 1991 1992: 3 pages, 40 movies, 50 requests",
      "warning: movie details failed (id=7)",
    ]);
  });

  it("draws a live bar on a terminal, with the stage's lines above it", () => {
    const terminal = Object.assign(new PassThrough(), { isTTY: true, columns: 160 });
    let output = "";
    terminal.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    const display = backfillDisplay(() => assert.fail("no plain line on a terminal"), terminal as never);
    display.update(progress(3, 150));
    display.log("warning: title with \u001b[2J an escape");
    display.stop();

    assert.match(output, /3\/10 years \| now 1993 1994 \| 9 pages \| 120 movies \| 0 req\/s \| ETA/);
    assert.match(output, /warning: title with \\x1b\[2J an escape/, "TMDB text is made printable");
  });
});
