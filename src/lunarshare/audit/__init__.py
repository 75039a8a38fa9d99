"""The append-only, hash-chained audit log. Services call :func:`record`."""


def record(*, actor, verb, obj=None, data=None):
    from .services import record as _record

    return _record(actor=actor, verb=verb, obj=obj, data=data)
