"""What the plan tables of every concern share: picking steps by type, the keys of the
findings, and the destination's green network."""

from nethserver_migration.steps import Note


def of(steps, kind):
    return [s for s in steps if isinstance(s, kind)]


def keys(steps):
    return [s.key for s in of(steps, Note) if s.key]
