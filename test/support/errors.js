'use strict';

/** The error code fn() throws, or 'no error': table-driven tests compare codes. */
function codeOf(fn) {
  try {
    fn();
  } catch (err) {
    return err.code;
  }
  return 'no error';
}

module.exports = { codeOf };
