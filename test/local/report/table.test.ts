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
    assert.match(table[horror] ?? "", /\+175\.0%\s+\+250\.0%/);
    assert.ok(!formatTerminalTable(mart, real).includes("SYNTHETIC"));
  });

  it("explains an empty mart instead of printing an empty table", () => {
    const text = formatTerminalTable({ columns, rows: [] }, real);
    assert.match(text, /No genre has 10 movies with a known budget and revenue yet/);
  });
});
