import assert from "node:assert/strict";
import { SYNTHETIC_NOTICE } from "../../../local/report/format";
import { formatTerminalTable } from "../../../local/report/table";
import { columns, demo, mart, real } from "./fixtures";

describe("terminal table", () => {
  it("ranks the terminal table by portfolio ROI and marks synthetic data at top and bottom", () => {
    const table = formatTerminalTable(mart, demo).split("\n");
    assert.equal(table[0], `*** ${SYNTHETIC_NOTICE} ***`);
    assert.equal(table[table.length - 1], `*** ${SYNTHETIC_NOTICE} ***`);
    const horror = table.findIndex((line) => line.includes("Horror"));
    const drama = table.findIndex((line) => line.includes("Drama"));
    assert.ok(horror > 0 && horror < drama);
    assert.match(table[horror] ?? "", /\+175\.0%\s+\+250\.0%\s+\+120\.0% to \+310\.0%\s+#1 /);
    assert.ok(!formatTerminalTable(mart, real).includes("SYNTHETIC"));
  });

  it("explains an empty mart instead of printing an empty table", () => {
    const text = formatTerminalTable({ columns, rows: [] }, real);
    assert.match(text, /No genre has 10 movies with a known budget and revenue yet/);
  });

  it("shows control characters in TMDB's text as visible escapes, so they cannot drive the terminal", () => {
    // Prepare
    const hostile = {
      ...mart,
      rows: [{ ...mart.rows[0], genre_name: "Horror\u001b]0;pwned\u0007\u001b[2J" }],
    };

    // Act
    const table = formatTerminalTable(hostile, real);

    // Assess
    const controls = [...table].filter((c) => c !== "\n" && (c < " " || (c >= "\u007f" && c <= "\u009f")));
    assert.deepEqual(controls, [], "no control character but line breaks");
    assert.match(table, /Horror\\x1b\]0;pwned\\x07\\x1b\[2J/);
  });

  it("marks the genres whose median's interval overlaps #1's as not clearly different from #1", () => {
    // Prepare: #1 by median is Horror [120%, 310%]; Comedy [40%, 130%] overlaps, Drama [-30%, 20%] does not
    const table = formatTerminalTable(mart, real).split("\n");
    const line = (genre: string) => table.find((text) => text.includes(genre)) ?? "";

    // Assess
    assert.match(line("Comedy"), /\+40\.0% to \+130\.0%\s+≈ #1 /);
    assert.match(line("Drama"), /-30\.0% to \+20\.0%\s+lower /);
    assert.ok(table.some((text) => text.includes("not clearly different")));
  });
});
