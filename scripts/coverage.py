#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""coverage.py BUILD GCDA [BUILD GCDA...]: the line and function coverage
of driver/.

BUILD is the tree the module was built in with VPAIR_GCOV=1 (its
driver/*.gcno), GCDA the directory the guest exported the module's
driver/*.gcda to (check-guest.sh). Runs the gcov of the compiler that
built the module ($GCOV, default gcov) on each object and prints, as TAP
comments, the totals, each file's numbers and the functions no test
reached, and the goto labels (error unwinding) whose first statement no
test reached. Several pairs (one per guest of a run split across guests) add
up: a line counts as reached if any guest reached it. An object without
data counts as never run; a pair without any data is an error.
"""

import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile


def gcov_json(gcov, objdir, src):
    """gcov's JSON for the object of src whose notes and data are in objdir."""
    out = subprocess.run([gcov, '--json-format', '--stdout', '--object-directory',
                          objdir, src], cwd=objdir, check=True,
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout
    if out[:2] == b'\x1f\x8b':
        out = gzip.decompress(out)
    for line in out.decode().splitlines():
        if line.strip():
            yield json.loads(line)


def add_counts(gcov, build, gcda, lines, funcs):
    """Add the counts of one module build and its guest's data."""
    driver = os.path.join(build, 'driver')
    with tempfile.TemporaryDirectory() as tmp:
        for notes in sorted(os.listdir(driver)):
            if not notes.endswith('.gcno'):
                continue
            base = notes[:-len('.gcno')]
            shutil.copy(os.path.join(driver, notes), tmp)
            data = os.path.join(gcda, base + '.gcda')
            if os.path.exists(data):
                shutil.copy(data, tmp)
            for doc in gcov_json(gcov, tmp, os.path.join(driver, base + '.c')):
                for f in doc['files']:
                    path = os.path.normpath(os.path.join(build, f['file']))
                    if not path.startswith(driver + '/'):
                        continue
                    name = os.path.relpath(path, build)
                    for ln in f['lines']:
                        key = (name, ln['line_number'])
                        lines[key] = lines.get(key, 0) + ln['count']
                    for fn in f['functions']:
                        key = (name, fn['demangled_name'], fn['start_line'])
                        funcs[key] = funcs.get(key, 0) + fn['execution_count']


LABEL = re.compile(r'^([A-Za-z_][A-Za-z0-9_]*):\s*$')


def labels(build, lines):
    """Each goto label of driver/*.c, with the count of its first statement."""
    for name in sorted({k[0] for k in lines}):
        if not name.endswith('.c'):
            continue
        with open(os.path.join(build, name)) as f:
            text = f.read().splitlines()
        for i, line in enumerate(text, 1):
            m = LABEL.match(line)
            if not m:
                continue
            first = next((j for j in range(i + 1, len(text) + 1)
                          if (name, j) in lines), None)
            if first:
                yield name, i, m.group(1), lines[(name, first)]


def main():
    args = sys.argv[1:]
    if not args or len(args) % 2:
        sys.exit('usage: coverage.py BUILD GCDA [BUILD GCDA...]')
    gcov = os.environ.get('GCOV', 'gcov')
    lines = {}      # (file, line) -> count
    funcs = {}      # (file, name, line) -> count
    for build, data in zip(args[0::2], args[1::2]):
        build = os.path.realpath(build)
        gcda = os.path.join(data, 'driver')
        if not os.path.isdir(gcda) or not any(f.endswith('.gcda') for f in os.listdir(gcda)):
            sys.exit('coverage.py: no gcov data in %s' % gcda)
        add_counts(gcov, build, gcda, lines, funcs)
    if not lines:
        sys.exit('coverage.py: no gcov notes in %s' % ', '.join(args[0::2]))

    def pct(hit, total):
        return '%d/%d (%.1f%%)' % (hit, total, 100.0 * hit / total) if total else '-'

    files = sorted({k[0] for k in lines})
    lhit = sum(1 for c in lines.values() if c)
    fhit = sum(1 for c in funcs.values() if c)
    print('# coverage of driver/ (gcov): lines %s, functions %s'
          % (pct(lhit, len(lines)), pct(fhit, len(funcs))))
    for name in files:
        fl = [c for k, c in lines.items() if k[0] == name]
        ff = [c for k, c in funcs.items() if k[0] == name]
        print('#   %-24s lines %-20s functions %s'
              % (name, pct(sum(1 for c in fl if c), len(fl)),
                 pct(sum(1 for c in ff if c), len(ff))))
    never = sorted(k for k, c in funcs.items() if not c)
    print('# functions never reached: %d' % len(never))
    for name, fn, line in never:
        print('#   %s:%d %s' % (name, line, fn))
    found = list(labels(os.path.realpath(args[0]), lines))
    missed = [lb for lb in found if not lb[3]]
    print('# goto labels reached: %s; never reached: %d'
          % (pct(len(found) - len(missed), len(found)), len(missed)))
    for name, line, label, _ in missed:
        print('#   %s:%d %s' % (name, line, label))


if __name__ == '__main__':
    main()
