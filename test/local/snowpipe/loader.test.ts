import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadRawFiles } from "../../../local/snowpipe/loader";
import { parseNdjson } from "../../../local/snowpipe/ndjson";
import { folderRawSource, RawFolderError, s3RawSource } from "../../../local/snowpipe/sources";
import { S3_SERVER_CREDENTIALS, startS3Server, type S3Server } from "../../../servers/s3Server";
import { DUCKDB_VERSION, openWarehouse } from "../../../local/snowpipe/warehouse";

async function rows(databasePath: string, sql: string): Promise<Record<string, unknown>[]> {
  const warehouse = await openWarehouse(databasePath, { readOnly: true });
  try {
    return (await warehouse.connection.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
  } finally {
    warehouse.close();
  }
}

describe("raw loader", () => {
  let root: string;
  let bucketDir: string;
  let databasePath: string;

  async function put(key: string, content: string | Buffer): Promise<void> {
    const path = join(bucketDir, ...key.split("/"));
    await mkdir(join(path, ".."), { recursive: true });
    await writeFile(path, content);
  }

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "tmdb-roi-loader-"));
    bucketDir = join(root, "bucket");
    databasePath = join(root, "state", "warehouse.duckdb");
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  describe("parseNdjson", () => {
    it("keeps every valid JSON line with its line number and reports the rest", () => {
      const content = Buffer.concat([
        Buffer.from('{"id":1}\r\n\n{"id":2,\n[1,2]\n'),
        Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d, 0x0a]), // {"\xff":1} — invalid UTF-8
        Buffer.from('{"id":3}'),
      ]);
      const parsed = parseNdjson("raw/movies/x.json", content);
      assert.deepEqual(
        parsed.records.map((record) => [record.line, record.text]),
        [
          [1, '{"id":1}'],
          [4, "[1,2]"],
          [6, '{"id":3}'],
        ],
      );
      assert.deepEqual(
        parsed.errors.map((error) => [error.file, error.line, error.message.split(":")[0]]),
        [
          ["raw/movies/x.json", 3, "invalid JSON"],
          ["raw/movies/x.json", 5, "invalid UTF-8"],
        ],
      );
      assert.equal(parsed.rowsParsed, 5);
    });
  });

  describe("from a folder laid out like the bucket", () => {
    it("loads each file once with its key, line numbers and one load time per file", async () => {
      await put("raw/movies/2026-05-01/movies_06-00-00.json", '{"id":1}\n{"id":2}\n');
      await put("raw/movies/2026-05-02/movies_06-00-00.json", '{"id":1,"budget":5}\n');
      const source = folderRawSource({ directory: bucketDir });

      const first = await loadRawFiles({ databasePath, source });
      const again = await loadRawFiles({ databasePath, source });

      assert.equal(first.filesProcessed, 2);
      assert.equal(first.rowsLoaded, 3);
      assert.equal(again.filesProcessed, 0);
      assert.equal(again.filesAlreadyLoaded, 2);
      assert.equal(again.rowsLoaded, 0);
      const loaded = await rows(
        databasePath,
        "select record::varchar as record, source_file, file_row_number::integer as line from raw.movies order by source_file, line",
      );
      assert.deepEqual(loaded, [
        { record: '{"id":1}', source_file: "raw/movies/2026-05-01/movies_06-00-00.json", line: 1 },
        { record: '{"id":2}', source_file: "raw/movies/2026-05-01/movies_06-00-00.json", line: 2 },
        { record: '{"id":1,"budget":5}', source_file: "raw/movies/2026-05-02/movies_06-00-00.json", line: 1 },
      ]);
      const times = await rows(
        databasePath,
        "select source_file, count(distinct loaded_at)::integer as n from raw.movies group by 1 order by 1",
      );
      assert.deepEqual(
        times.map((row) => row["n"]),
        [1, 1],
      );
    });

    it("ON_ERROR CONTINUE loads the good lines; SKIP_FILE loads nothing from the file; both record it once", async () => {
      await put("raw/movies/2026-05-01/movies_06-00-00.json", '{"id":1}\n{"id":\n{"id":3}\n');
      const source = folderRawSource({ directory: bucketDir });
      const continued = await loadRawFiles({ databasePath, source, onError: "CONTINUE" });
      assert.equal(continued.rowsLoaded, 2);
      assert.equal(continued.rowsRejected, 1);
      assert.equal(continued.files[0]?.status, "PARTIALLY_LOADED");
      assert.deepEqual(
        continued.files[0]?.errors.map((error) => error.line),
        [2],
      );

      const skippedDb = join(root, "state", "skip.duckdb");
      const skipped = await loadRawFiles({ databasePath: skippedDb, source, onError: "SKIP_FILE" });
      assert.equal(skipped.rowsLoaded, 0);
      assert.equal(skipped.files[0]?.status, "LOAD_FAILED");
      const retried = await loadRawFiles({ databasePath: skippedDb, source, onError: "SKIP_FILE" });
      assert.equal(retried.filesProcessed, 0);
      const history = await rows(
        skippedDb,
        "select status, row_parsed::integer as parsed, row_count::integer as loaded, error_count::integer as errors, first_error_line_number::integer as line from raw.load_history",
      );
      assert.deepEqual(history, [{ status: "LOAD_FAILED", parsed: 3, loaded: 0, errors: 1, line: 2 }]);
    });

    it("rejects, with file and line, a line JavaScript parses but DuckDB's JSON reader does not (lone surrogate)", async () => {
      const key = "raw/movies/2026-05-01/movies_06-00-00.json";
      // "\ud800" is a lone surrogate escape: JSON.parse accepts it, DuckDB's JSON reader does not.
      await put(key, '{"id":1}\n{"id":2,"title":"\\ud800"}\n{"id":3}\n{"id":\n');
      const source = folderRawSource({ directory: bucketDir });
      const messages: string[] = [];

      const summary = await loadRawFiles({ databasePath, source, log: (line) => messages.push(line) });

      assert.equal(summary.files[0]?.status, "PARTIALLY_LOADED");
      assert.deepEqual([summary.rowsLoaded, summary.rowsRejected], [2, 2]);
      assert.deepEqual(
        summary.files[0]?.errors.map((error) => [error.line, error.message.split(":")[0]]),
        [
          [2, "invalid JSON (rejected by DuckDB's JSON reader)"],
          [4, "invalid JSON"],
        ],
      );
      assert.match(summary.files[0]?.errors[0]?.message ?? "", /surrogate/);
      assert.ok(messages.some((line) => line.includes(`${key}:2: invalid JSON (rejected by DuckDB`)));
      // Every loaded record is readable by the warehouse's JSON functions (what dbt's models use).
      assert.deepEqual(
        await rows(
          databasePath,
          "select (record ->> '$.id')::integer as id, file_row_number::integer as line from raw.movies order by 1",
        ),
        [
          { id: 1, line: 1 },
          { id: 3, line: 3 },
        ],
      );
      assert.deepEqual(
        await rows(
          databasePath,
          "select status, row_count::integer as loaded, error_count::integer as errors, first_error_line_number::integer as line from raw.load_history",
        ),
        [{ status: "PARTIALLY_LOADED", loaded: 2, errors: 2, line: 2 }],
      );
    });

    it("SKIP_FILE skips a file whose only bad line is one DuckDB rejects, and loads the other files of the batch", async () => {
      await put("raw/movies/2026-05-01/movies_06-00-00.json", '{"id":1}\n{"id":2,"title":"a\\udc00"}\n');
      await put("raw/movies/2026-05-02/movies_06-00-00.json", '{"id":3}\n');
      const source = folderRawSource({ directory: bucketDir });

      const summary = await loadRawFiles({ databasePath, source, onError: "SKIP_FILE" });

      assert.deepEqual(
        summary.files.map((file) => [file.status, file.rowsLoaded, file.errorCount]),
        [
          ["LOAD_FAILED", 0, 1],
          ["LOADED", 1, 0],
        ],
      );
      assert.deepEqual(
        await rows(databasePath, "select (record ->> '$.id')::integer as id from raw.movies"),
        [{ id: 3 }],
      );
      assert.deepEqual(
        await rows(
          databasePath,
          "select status, first_error_line_number::integer as line from raw.load_history order by file_name",
        ),
        [
          { status: "LOAD_FAILED", line: 2 },
          { status: "LOADED", line: null },
        ],
      );
    });

    it("notices a loaded folder file rewritten with other content of the same size", async () => {
      const key = "raw/movies/2026-05-01/movies_06-00-00.json";
      await put(key, '{"id":1}\n');
      const source = folderRawSource({ directory: bucketDir });
      await loadRawFiles({ databasePath, source });
      const unchanged = await loadRawFiles({ databasePath, source });
      await put(key, '{"id":2}\n');
      const messages: string[] = [];

      const rewritten = await loadRawFiles({ databasePath, source, log: (line) => messages.push(line) });

      assert.deepEqual([unchanged.filesAlreadyLoaded, unchanged.filesChangedAfterLoad], [1, 0]);
      assert.deepEqual([rewritten.filesAlreadyLoaded, rewritten.filesChangedAfterLoad], [0, 1]);
      assert.equal(rewritten.files[0]?.status, "CHANGED_AFTER_LOAD");
      assert.ok(messages.some((line) => line.includes(key) && line.includes("same size, other content")));
      assert.deepEqual(await rows(databasePath, "select record::varchar as record from raw.movies"), [
        { record: '{"id":1}' },
      ]);
    });

    it("does not reload a file that changed after it was loaded, and says so", async () => {
      const key = "raw/movies/2026-05-01/movies_06-00-00.json";
      await put(key, '{"id":1}\n');
      const source = folderRawSource({ directory: bucketDir });
      await loadRawFiles({ databasePath, source });
      await put(key, '{"id":1}\n{"id":2}\n');
      const messages: string[] = [];

      const summary = await loadRawFiles({ databasePath, source, log: (line) => messages.push(line) });

      assert.equal(summary.filesChangedAfterLoad, 1);
      assert.equal(summary.rowsLoaded, 0);
      assert.ok(messages.some((line) => line.includes(key) && line.includes("changed since it was loaded")));
      assert.deepEqual(await rows(databasePath, "select count(*)::integer as n from raw.movies"), [{ n: 1 }]);
    });

    it("ignores objects outside the raw prefix and keys not ending in .json", async () => {
      await put("raw/movies/2026-05-01/movies_06-00-00.json", '{"id":1}\n');
      await put("raw/movies/2026-05-01/notes.txt", "not a raw file\n");
      await put("rejects/movies/2026-05-01/movies_06-00-00.json", '{"reason":"x"}\n');
      const summary = await loadRawFiles({ databasePath, source: folderRawSource({ directory: bucketDir }) });
      assert.deepEqual(
        summary.files.map((file) => file.key),
        ["raw/movies/2026-05-01/movies_06-00-00.json"],
      );
    });

    it("rejects a line with a duplicate key, as Snowflake's JSON file format does, and loads the rest", async () => {
      // Prepare: JavaScript keeps the last of two values, DuckDB the first; Snowflake refuses the line.
      const key = "raw/movies/2026-05-01/movies_06-00-00.json";
      await put(
        key,
        '{"id":1}\n{"id":2,"budget":1000,"budget":2000000}\n{"id":3,"genres":[{"id":1,"name":"A","name":"B"}]}\n',
      );
      const lines: string[] = [];

      // Act
      const summary = await loadRawFiles({
        databasePath,
        source: folderRawSource({ directory: bucketDir }),
        log: (line) => lines.push(line),
      });

      // Assess
      assert.deepEqual([summary.rowsLoaded, summary.rowsRejected], [1, 2]);
      assert.deepEqual(
        summary.files[0]?.errors.map((error) => [error.line, error.message.split(":")[0]]),
        [
          [2, 'duplicate key "budget"'],
          [3, 'duplicate key "name"'],
        ],
      );
      assert.ok(lines.some((line) => line.includes(`${key}:2: duplicate key "budget"`)));
      const loaded = await rows(databasePath, "select record->>'$.id' as id from raw.movies");
      assert.deepEqual(loaded, [{ id: "1" }]);
    });

    it("follows a symbolic link to a file, and reports links to folders and broken links instead of skipping them silently", async () => {
      // Prepare
      const elsewhere = join(root, "elsewhere");
      await mkdir(join(elsewhere, "day"), { recursive: true });
      await writeFile(join(elsewhere, "movies.json"), '{"id":7}\n');
      await writeFile(join(elsewhere, "day", "movies_06-00-00.json"), '{"id":8}\n');
      await put("raw/movies/2026-05-01/movies_06-00-00.json", '{"id":1}\n');
      const day = join(bucketDir, "raw", "movies", "2026-05-01");
      await symlink(join(elsewhere, "movies.json"), join(day, "linked.json"));
      await symlink(join(elsewhere, "missing.json"), join(day, "broken.json"));
      await symlink(join(elsewhere, "day"), join(bucketDir, "raw", "movies", "2026-05-02"));
      const lines: string[] = [];

      // Act
      const summary = await loadRawFiles({
        databasePath,
        source: folderRawSource({ directory: bucketDir }),
        log: (line) => lines.push(line),
      });

      // Assess
      assert.deepEqual(
        summary.files.map((file) => [file.key, file.rowsLoaded]),
        [
          ["raw/movies/2026-05-01/linked.json", 1],
          ["raw/movies/2026-05-01/movies_06-00-00.json", 1],
        ],
      );
      assert.deepEqual(summary.filesSkipped, [
        { key: "raw/movies/2026-05-01/broken.json", reason: "a symbolic link to nothing (broken link)" },
        {
          key: "raw/movies/2026-05-02",
          reason: "a symbolic link to a folder, which is not followed: its files are not loaded",
        },
      ]);
      assert.ok(
        lines.some((line) => line.startsWith("warning: raw/movies/2026-05-01/broken.json is not loaded")),
      );
      assert.ok(lines.some((line) => line.startsWith("warning: raw/movies/2026-05-02 is not loaded")));
    });

    it("leaves no file half loaded or recorded when a load fails part-way, and the next load completes it", async () => {
      await put("raw/movies/2026-05-01/movies_06-00-00.json", '{"id":1}\n');
      await put("raw/movies/2026-05-02/movies_06-00-00.json", '{"id":2}\n');
      const folder = folderRawSource({ directory: bucketDir });
      const failing = {
        description: "a bucket that fails on its second object",
        async list() {
          const { objects, skipped } = await folder.list();
          return {
            skipped,
            objects: objects.map((object, i) =>
              i === 0 ? object : { ...object, read: () => Promise.reject(new Error("connection reset")) },
            ),
          };
        },
      };

      await assert.rejects(loadRawFiles({ databasePath, source: failing }), (error: unknown) =>
        /cannot read raw file raw\/movies\/2026-05-02\/movies_06-00-00\.json: connection reset/.test(
          (error as Error).message,
        ),
      );
      const afterFailure = await rows(
        databasePath,
        "select (select count(*) from raw.movies)::integer as rows, (select count(*) from raw.load_history)::integer as files",
      );
      const retried = await loadRawFiles({ databasePath, source: folder });

      assert.deepEqual(afterFailure, [{ rows: 0, files: 0 }]);
      assert.deepEqual([retried.filesProcessed, retried.rowsLoaded], [2, 2]);
    });

    it("explains the expected layout when the folder has no raw prefix", async () => {
      await put("movies_06-00-00.json", '{"id":1}\n');
      await assert.rejects(
        loadRawFiles({ databasePath, source: folderRawSource({ directory: bucketDir }) }),
        (error: unknown) =>
          error instanceof RawFolderError && /no raw\/movies\/ folder under/.test(error.message),
      );
    });
  });

  describe("from an S3-compatible server", () => {
    let server: S3Server;
    let client: S3Client;

    beforeEach(async () => {
      server = await startS3Server({ directory: join(root, "s3") });
      client = new S3Client({
        region: "us-east-1",
        endpoint: server.endpoint,
        forcePathStyle: true,
        credentials: { ...S3_SERVER_CREDENTIALS },
      });
      await client.send(new CreateBucketCommand({ Bucket: "raw-test" }));
    });

    afterEach(async () => {
      client.destroy();
      await server.close();
    });

    it("lists the raw prefix through the S3 API, loads new objects and records their ETag", async () => {
      const body = '{"id":7}\n{"id":8}\n';
      await client.send(
        new PutObjectCommand({
          Bucket: "raw-test",
          Key: "raw/movies/2026-05-01/movies_06-00-00.json",
          Body: body,
        }),
      );
      await client.send(
        new PutObjectCommand({ Bucket: "raw-test", Key: "rejects/movies/x.json", Body: "{}\n" }),
      );
      const source = s3RawSource({ client, bucket: "raw-test" });

      const first = await loadRawFiles({ databasePath, source });
      await client.send(
        new PutObjectCommand({
          Bucket: "raw-test",
          Key: "raw/movies/2026-05-02/movies_06-00-00.json",
          Body: '{"id":9}\n',
        }),
      );
      const second = await loadRawFiles({ databasePath, source });

      assert.equal(source.description, "s3://raw-test/raw/movies/");
      assert.deepEqual([first.filesProcessed, first.rowsLoaded], [1, 2]);
      assert.deepEqual([second.filesProcessed, second.filesAlreadyLoaded, second.rowsLoaded], [1, 1, 1]);
      const history = await rows(databasePath, "select file_name, etag from raw.load_history order by 1");
      const { createHash } = await import("node:crypto");
      assert.deepEqual(history[0], {
        file_name: "raw/movies/2026-05-01/movies_06-00-00.json",
        etag: createHash("md5").update(body).digest("hex"),
      });
    });
  });

  describe("warehouse", () => {
    it("links the same DuckDB release as the Python duckdb that dbt-duckdb uses", () => {
      const lock = readFileSync(new URL("../../../python/requirements.lock", import.meta.url), "utf8");
      const pinned = /^duckdb==([\d.]+)/m.exec(lock)?.[1];
      assert.ok(pinned, "python/requirements.lock pins no duckdb");
      assert.equal(DUCKDB_VERSION, `v${pinned}`);
    });
  });
});
