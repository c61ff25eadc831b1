"""Where the real SME sample files are: $SME_SAMPLES, else ../shared/sme-samples beside
the repository (where CI and every checkout find the project's shared folder)."""

import os

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), '..'))


def samples_dir():
    candidates = [os.environ.get('SME_SAMPLES', ''),
                  os.path.join(TOP, '..', 'shared', 'sme-samples')]
    for candidate in candidates:
        if candidate and os.path.isfile(os.path.join(candidate, 'SOURCES.md')):
            return os.path.normpath(candidate)
    raise RuntimeError('SME sample files not found in {} (set SME_SAMPLES)'.format(
        [c for c in candidates if c]))
