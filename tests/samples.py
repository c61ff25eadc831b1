"""Where the real SME sample files are: tests/data/sme-samples, copied into the repository
(with their provenance in its SOURCES.md) so that a bare clone tests on its own.
$SME_SAMPLES points elsewhere (a newer copy) when set."""

import os

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), '..'))
IN_REPO = os.path.join(TOP, 'tests', 'data', 'sme-samples')


def samples_dir():
    candidate = os.environ.get('SME_SAMPLES') or IN_REPO
    if not os.path.isfile(os.path.join(candidate, 'SOURCES.md')):
        raise RuntimeError('SME sample files not found in {} (set SME_SAMPLES)'.format(
            candidate))
    return os.path.normpath(candidate)
