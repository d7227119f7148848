'use strict';
// The user docs move between README.md, CONTRIBUTING.md and docs/ (issue 21:
// documentation for users first); a moved page or a renamed heading must not
// leave a link or a picture pointing at nothing. Every relative link and image
// in those files must name a file that exists, and a #fragment into a Markdown
// file must name one of its headings (as GitHub makes their anchors).
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..', '..');

function markdownFiles() {
  const files = ['README.md', 'CONTRIBUTING.md'].map((f) => path.join(root, f));
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.md')) files.push(full);
    }
  };
  walk(path.join(root, 'docs'));
  return files;
}

/** fenced code blocks, also indented under a list item */
const FENCED = /^[ \t]*(```|~~~)[^\n]*\n[\s\S]*?^[ \t]*\1[^\n]*$/gm;

/** The text without fenced code blocks and inline code, where a bracket is not a link. */
function proseOf(text) {
  return text.replace(FENCED, '').replace(/`[^`\n]*`/g, '');
}

/** Targets of [text](target) and ![alt](target), with an optional "title". */
function linkTargets(text) {
  const targets = [];
  const link = /!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g;
  for (const match of proseOf(text).matchAll(link)) targets.push(match[1]);
  return targets;
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchorsOf(text) {
  const anchors = new Set();
  const seen = new Map();
  const body = text.replace(FENCED, '');
  for (const match of body.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = match[1]
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

/** What is wrong with the links of one Markdown file (empty when nothing is). */
function brokenLinks(file, text) {
  const problems = [];
  for (const target of linkTargets(text)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto: — not ours to check offline
    const [rawPath, fragment] = target.split('#', 2);
    const filePath = decodeURIComponent(rawPath);
    const resolved = filePath === '' ? file : path.resolve(path.dirname(file), filePath);
    if (!fs.existsSync(resolved)) {
      problems.push(`${target}: no such file`);
      continue;
    }
    if (fragment && resolved.endsWith('.md')) {
      const anchors = anchorsOf(resolved === file ? text : fs.readFileSync(resolved, 'utf8'));
      if (!anchors.has(fragment)) problems.push(`${target}: no heading #${fragment}`);
    }
  }
  return problems;
}

describe('links in the docs (README.md, CONTRIBUTING.md, docs/)', () => {
  const files = markdownFiles();

  it('finds the docs it is meant to check', () => {
    const names = files.map((f) => path.relative(root, f).split(path.sep).join('/'));
    for (const expected of ['README.md', 'CONTRIBUTING.md', 'docs/ip-source.md', 'docs/providers/aliyun.md', 'docs/providers/dyndns2.md', 'docs/providers/cloudflare.md', 'docs/providers/rfc2136.md']) {
      assert.ok(names.includes(expected), `${expected} is checked`);
    }
  });

  for (const file of files) {
    const name = path.relative(root, file).split(path.sep).join('/');
    it(`${name}: every relative link and picture points at an existing file and heading`, () => {
      const text = fs.readFileSync(file, 'utf8');
      assert.deepEqual(brokenLinks(file, text), []);
    });
  }

  it('README.md shows every picture in docs/ that it showed before the docs were split', () => {
    const targets = linkTargets(fs.readFileSync(path.join(root, 'README.md'), 'utf8'));
    for (const picture of ['docs/editor-flow.png', 'docs/ip-source-check-now.png', 'docs/ddns-sidebar.png']) {
      assert.ok(targets.includes(picture), `README.md shows ${picture}`);
    }
  });

  it('the check itself catches a missing file, a missing heading, and passes over code and web links', () => {
    const readme = path.join(root, 'README.md');
    const text = [
      '# Title',
      '[ok](docs/ip-source.md) [gone](docs/no-such-page.md) ![pic](docs/missing.png)',
      '[anchor](#title) [bad anchor](#nothing-here) [web](https://example.com/x.md)',
      '`[code](not-checked.md)`',
      '```',
      '[fenced](not-checked-either.md)',
      '```',
      '1. a step',
      '   ```sh',
      '   # not a heading, [nor a link](in-a-list.md)',
      '   ```',
    ].join('\n');
    assert.deepEqual(brokenLinks(readme, text), ['docs/no-such-page.md: no such file', 'docs/missing.png: no such file', '#nothing-here: no heading #nothing-here']);
  });

  it('makes anchors as GitHub does', () => {
    const anchors = anchorsOf('# `ip source`\n## Develop: the two commands\n## In Chinese (zh-CN)\n## Notes\n## Notes\n');
    assert.deepEqual([...anchors], ['ip-source', 'develop-the-two-commands', 'in-chinese-zh-cn', 'notes', 'notes-1']);
  });
});
