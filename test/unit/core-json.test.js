'use strict';
// core/json.ts: a server's JSON answer, bounded in size and nesting depth
// before JSON.parse sees it (issue 22.5; DESIGN.md, security rules: "No answer
// costs more than 300 ms of event-loop time (size and depth bounded before
// parsing)").
const assert = require('node:assert/strict');
const { jsonDepth, parseJsonAnswer, DEFAULT_MAX_JSON_DEPTH } = require('../../dist/core/json');
const { DdnsError } = require('../../dist/core/errors');

const nested = (depth, inner = '') => '['.repeat(depth) + inner + ']'.repeat(depth);

describe('core/json: jsonDepth', () => {
  const cases = [
    ['a scalar', '42', 0],
    ['an empty object', '{}', 1],
    ['a Cloudflare envelope', '{"success":true,"result":[{"id":"a","meta":{"x":[1,2]},"tags":[]}],"result_info":{"page":1}}', 5],
    ['siblings do not add up', '[[1],[2],[3],{"a":1}]', 2],
    ['brackets inside a string do not count', '{"message":"[[[[{{{{"}', 1],
    ['an escaped quote does not end the string', '["a \\" [[[[ still text"]', 1],
    ['an escaped backslash does end the string before a quote', '["a \\\\", [[1]]]', 3],
    ['\\u escapes are text', '["\\u005b\\u007b", {}]', 2],
    ['closing brackets in a string do not lower the depth', '[["]]]]"], [[1]]]', 3],
    ['brackets after a string that held brackets count again', `[{"k":"[{"},${nested(5)}]`, 6],
  ];
  for (const [title, text, depth] of cases) {
    it(`${title}: ${depth}`, () => {
      assert.equal(jsonDepth(text), depth);
      // the scan agrees with JSON.parse on what it reads
      JSON.parse(text);
    });
  }

  it('stops at the first level past the limit', () => {
    assert.equal(jsonDepth(nested(1000), 64), 65);
  });
});

describe('core/json: parseJsonAnswer', () => {
  it('parses an answer within the bounds', () => {
    assert.deepEqual(parseJsonAnswer('{"a":[1,{"b":"[x]"}]}'), { a: [1, { b: '[x]' }] });
  });

  it('returns undefined for text that is not JSON (each caller names that failure itself)', () => {
    for (const text of ['<html>502 Bad Gateway</html>', '', '{"a":', 'good 1.2.3.4']) assert.equal(parseJsonAnswer(text), undefined, text);
  });

  it(`refuses nesting past ${DEFAULT_MAX_JSON_DEPTH} levels with EBADRESPONSE, naming the answer`, () => {
    assert.doesNotThrow(() => parseJsonAnswer(nested(DEFAULT_MAX_JSON_DEPTH)));
    assert.throws(
      () => parseJsonAnswer(nested(DEFAULT_MAX_JSON_DEPTH + 1), { what: 'Cloudflare GET /zones' }),
      (err) =>
        err instanceof DdnsError &&
        err.code === 'EBADRESPONSE' &&
        /^Cloudflare GET \/zones: the answer nests arrays or objects more than 64 levels deep/.test(err.message),
    );
  });

  it('counts objects and arrays alike', () => {
    const objects = '{"a":'.repeat(65) + '1' + '}'.repeat(65);
    assert.throws(() => parseJsonAnswer(objects), { code: 'EBADRESPONSE' });
    assert.notEqual(parseJsonAnswer('{"a":'.repeat(64) + '1' + '}'.repeat(64)), undefined);
  });

  it('a deep answer hidden behind brackets in strings is still found', () => {
    const text = `{"decoy":"]]]]]]]]]]\\"]]]]]]","deep":${nested(65)}}`;
    assert.throws(() => parseJsonAnswer(text), { code: 'EBADRESPONSE' });
  });

  it('many brackets inside one string are text, not depth', () => {
    const text = JSON.stringify({ note: '['.repeat(100000) });
    assert.deepEqual(parseJsonAnswer(text), { note: '['.repeat(100000) });
  });

  it('takes its own depth limit', () => {
    assert.throws(() => parseJsonAnswer('[[[1]]]', { maxDepth: 2 }), { code: 'EBADRESPONSE', message: /more than 2 levels/ });
    assert.deepEqual(parseJsonAnswer('[[1]]', { maxDepth: 2 }), [[1]]);
  });

  it('refuses text over maxChars with ETOOLARGE before reading it', () => {
    assert.throws(() => parseJsonAnswer(`[${'1,'.repeat(100)}1]`, { maxChars: 100, what: 'X' }), {
      code: 'ETOOLARGE',
      message: /^X: the answer of 203 characters exceeds the 100 character limit/,
    });
  });
});
