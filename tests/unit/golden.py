"""Golden plans: what a concern's plan says and does in a test case, rendered as text and
compared with tests/unit/golden/<test module>.json (one entry per test case), so that
every word the administrator reads (a finding's message, remediation, commands) and every
step is asserted, not only the keys.  The files are reviewed like code: after a deliberate
change, run the tests with UPDATE_GOLDEN=1 and read the diff before committing it."""

import hashlib
import json
import os

from nethserver_migration.steps import Note

HERE = os.path.join(os.path.dirname(__file__), 'golden')


def render(steps):
    lines = []
    for step in steps:
        if isinstance(step, Note):
            lines.append('{} {} {}{}: {}'.format(
                step.severity.upper(), step.key or '-', step.obj or '',
                ' BLOCKING' if step.blocking else '', step.message))
            for label, value in (('remediation', step.remediation), ('count', step.count),
                                 ('unless_failed', step.unless_failed)):
                if value:
                    lines.append('    {}: {}'.format(label, value))
            lines += ['    $ {}'.format(c) for c in step.commands]
        else:
            lines.append(repr(step))
    return lines


def plan(request, steps, label=''):
    """Assert steps against the golden entry of this test case (request: pytest's)."""
    module = request.node.module.__name__.rsplit('.', 1)[-1]
    path = os.path.join(HERE, module + '.json')
    case = request.node.name + (':' + label if label else '')
    if len(case) > 120:     # a parameter of a megabyte names its case by its digest
        case = case[:80] + '...' + hashlib.sha1(case.encode('utf-8')).hexdigest()
    try:
        with open(path, encoding='utf-8') as f:
            known = json.load(f)
    except (IOError, OSError):
        known = {}
    got = render(steps)
    if os.environ.get('UPDATE_GOLDEN'):
        known[case] = got
        with open(path, 'w', encoding='utf-8') as f:
            json.dump(known, f, indent=1, sort_keys=True, ensure_ascii=False)
            f.write('\n')
    assert case in known, 'no golden plan for {} in {} (UPDATE_GOLDEN=1)'.format(case, path)
    assert got == known[case]
    return steps
