import assert from "node:assert/strict";
import { formatRoi, formatUsd, versusTop } from "../../../local/report/format";
import { mart } from "./fixtures";

describe("report format", () => {
  it("formats ROI as signed percentages and money in K/M/B", () => {
    assert.equal(formatRoi(2.6812), "+268.1%");
    assert.equal(formatRoi(-0.5), "-50.0%");
    assert.equal(formatRoi(null), "n/a");
    assert.equal(formatUsd(1_234_567_890), "$1.23B");
    assert.equal(formatUsd(45_600_000), "$45.6M");
    assert.equal(formatUsd(-7_000), "-$7K");
  });

  it("compares each genre's median with #1's interval, every genre tied for first being #1", () => {
    const tied = {
      ...mart,
      rows: [...mart.rows, { ...mart.rows[0], genre_name: "Thriller", median_roi_ci_low: 2.0 }],
    };

    assert.deepEqual(Object.fromEntries(versusTop(tied)), {
      Horror: "#1",
      Thriller: "#1",
      Comedy: "≈ #1",
      'Drama, "indie"': "lower",
    });
  });
});
