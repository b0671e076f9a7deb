import assert from "node:assert/strict";
import { printable, printableLines } from "../../local/terminal";

describe("printable", () => {
  it("writes C0 and C1 control characters and DEL as \\xNN, keeping tabs and ordinary text", () => {
    // Assess
    assert.equal(printable("\u001b[31mred\u001b[0m"), "\\x1b[31mred\\x1b[0m");
    assert.equal(printable("a\tb\u0007c\u007fd\u009be"), "a\tb\\x07c\\x7fd\\x9be");
    assert.equal(printable("line\nbreak\r"), "line\\x0abreak\\x0d");
    assert.equal(printable("Épée 日本語 ★"), "Épée 日本語 ★");
  });

  it("keeps the line breaks of a multi-line message", () => {
    // Assess
    assert.equal(printableLines("first\u001b[2J\nsecond"), "first\\x1b[2J\nsecond");
  });
});
