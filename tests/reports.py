"""Every report a test reads is validated against the JSON Schema the package ships
(nethserver_migration/report.schema.json): the schema is a contract, not a comment."""

import json
import os

import jsonschema

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), '..'))
SCHEMA = os.path.join(TOP, 'root', 'usr', 'lib', 'python3.6', 'site-packages',
                      'nethserver_migration', 'report.schema.json')

with open(SCHEMA) as _stream:
    _VALIDATOR = jsonschema.Draft7Validator(json.load(_stream))


def validate(data):
    errors = sorted(_VALIDATOR.iter_errors(data), key=lambda e: list(e.path))
    assert not errors, 'report does not match its schema: {} at {}'.format(
        errors[0].message, list(errors[0].path))
    return data


def load(path):
    """A run report, read and validated."""
    with open(path, encoding='utf-8') as stream:
        return validate(json.load(stream))
