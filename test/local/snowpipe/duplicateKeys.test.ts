import assert from "node:assert/strict";
import { duplicateKey } from "../../../local/snowpipe/duplicateKeys";

describe("duplicateKey", () => {
  it("finds a key repeated in one object, at any depth, and names it decoded", () => {
    // Assess
    assert.equal(duplicateKey('{"budget":1000,"budget":2000000}'), "budget");
    assert.equal(duplicateKey('{"a":{"x":1,"x":2}}'), "x");
    assert.equal(duplicateKey('[{"a":1,"a":1}]'), "a");
    assert.equal(duplicateKey('{"a":[],"b":{},"a":0}'), "a");
    assert.equal(duplicateKey('{"a\\u0062":1,"ab":2}'), "ab");
  });

  it("accepts the same key in different objects, keys as values, and keys inside strings", () => {
    // Assess
    assert.equal(duplicateKey('{"a":1,"b":{"a":2}}'), undefined);
    assert.equal(duplicateKey('{"a":[{"x":1},{"x":2}]}'), undefined);
    assert.equal(duplicateKey('{"a":"b","b":"a"}'), undefined);
    assert.equal(duplicateKey('{"s":"\\"quoted\\",\\"s\\":1","t":2}'), undefined);
    assert.equal(duplicateKey('{"a":[1,2,{"b":1}],"c":{"d":[{"e":1,"f":2}],"g":3},"a2":1}'), undefined);
    for (const scalar of ['"x"', "5", "null", "[]"]) assert.equal(duplicateKey(scalar), undefined);
  });
});
