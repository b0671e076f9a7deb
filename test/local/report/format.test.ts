import assert from "node:assert/strict";
import { formatRoi, formatUsd } from "../../../local/report/format";

describe("report format", () => {
  it("formats ROI as signed percentages and money in K/M/B", () => {
    assert.equal(formatRoi(2.6812), "+268.1%");
    assert.equal(formatRoi(-0.5), "-50.0%");
    assert.equal(formatRoi(null), "n/a");
    assert.equal(formatUsd(1_234_567_890), "$1.23B");
    assert.equal(formatUsd(45_600_000), "$45.6M");
    assert.equal(formatUsd(-7_000), "-$7K");
  });
});
