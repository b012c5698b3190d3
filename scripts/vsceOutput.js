// vsce has no quiet option: `vsce package` lists the VSIX's file tree (INFO, on stdout) and warns that the
// extension has "N files, out of which M are JavaScript files" (on stderr; our runtime node_modules cannot be
// bundled: the native module and apache-arrow stay external). scripts/package.js drops those two messages
// line by line as they stream; everything else (errors, other warnings, the DONE line) passes through.
// ANSI colour codes (ESC [ … m); built from the character code so the pattern holds no control character.
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');
/** The text without its colour codes. */
const stripAnsi = (s) => s.replace(ANSI, '');
const PREFIX = /^\s*(DONE|INFO|WARNING|ERROR)\s/;

/** The rules: a message starts at `startsBlock` and is skipped up to (not including) the line where `blockEnds`. */
const VSCE_STDOUT = {
  // The file tree: from its INFO line to vsce's next message (its own lines, blank ones included, carry no prefix).
  startsBlock: (l) => /^\s*INFO\s+Files included in the VSIX/.test(l),
  blockEnds: (l) => PREFIX.test(l),
};
const VSCE_STDERR = {
  // The file-count warning: one line and the blank line after it.
  startsBlock: (l) => /^\s*WARNING\s+This extension consists of \d+ files/.test(l),
  blockEnds: (l) => l.trim() !== '',
};

/** A filter of streamed text: push() chunks, end() at the end; each returns the text to print. */
function lineFilter({ startsBlock, blockEnds }) {
  let skipping = false;
  let pending = '';
  const onLine = (line) => {
    const plain = line.replace(ANSI, '').replace(/\r$/, '');
    if (skipping && blockEnds(plain)) skipping = false;
    if (!skipping && startsBlock(plain)) skipping = true;
    return skipping ? '' : `${line}\n`;
  };
  return {
    push(chunk) {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop();
      return lines.map(onLine).join('');
    },
    end() {
      const last = pending;
      pending = '';
      return last ? onLine(last).replace(/\n$/, '') : '';
    },
  };
}

/** Pipes `stream` through a filter into `dest`; resolves when the stream ends. */
function pipeFiltered(stream, dest, rules) {
  const f = lineFilter(rules);
  stream.setEncoding('utf8');
  stream.on('data', (chunk) => dest.write(f.push(chunk)));
  return new Promise((resolve) =>
    stream.on('end', () => {
      dest.write(f.end());
      resolve();
    }),
  );
}

module.exports = { VSCE_STDOUT, VSCE_STDERR, lineFilter, pipeFiltered, stripAnsi };
