"""Fees and payments.

Pure parts (no Flask, no SQLAlchemy, no I/O; `tests/engine/test_engine_purity.py` keeps
them so): `money` (halalas, parsing and display), `fees` (what a request costs and the rule
that said so), `states` (which provider status may follow which), `gateway` (the
`PaymentGateway` protocol, its data and the signed notifications).

Edges: `http` (the adapter for a provider's REST API), `simulator` (a faithful provider,
its own WSGI app), `service` (payments of a request: start, return, notification, refund,
reconciliation), `settings`, `cli`. Storage is `khidma.storage.payments`; the pages are
`khidma.web.payments`. See docs/payments.md.
"""
