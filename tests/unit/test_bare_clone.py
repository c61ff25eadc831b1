"""A bare clone must test and demo on its own: nothing may read the shared folder beside
the repository at run time (a CI checkout has one, a clone does not)."""

import os
import re

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
CODE = ('tests', 'tools', 'bench', 'root', '.ci')
PATTERN = re.compile(r"""(\.\./shared|['"]\.\.['"]\s*,\s*['"]shared['"])""")


def _files():
    for top in CODE:
        for folder, _dirs, files in os.walk(os.path.join(TOP, top)):
            if 'data' in os.path.relpath(folder, TOP).split(os.sep)[:2]:
                continue
            for name in files:
                path = os.path.join(folder, name)
                if name.endswith(('.py', '.sh')) or os.access(path, os.X_OK):
                    yield path
    for name in ('demo', 'run-tests', 'createlinks'):
        yield os.path.join(TOP, name)


def test_nothing_reads_the_shared_folder():
    offenders = []
    for path in _files():
        with open(path, 'rb') as f:
            text = f.read().decode('utf-8', 'replace')
        if os.path.abspath(path) == os.path.abspath(__file__):
            continue
        if PATTERN.search(text):
            offenders.append(os.path.relpath(path, TOP))
    assert offenders == []


def test_the_samples_are_in_the_repository():
    from tests.samples import samples_dir, IN_REPO
    assert os.path.isfile(os.path.join(IN_REPO, 'SOURCES.md'))
    assert samples_dir() == os.path.normpath(IN_REPO) or os.environ.get('SME_SAMPLES')
