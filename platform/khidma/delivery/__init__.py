"""Delivery: the outbox's way out.

- `senders`: what a gateway is (`EmailSender`, `SmsGateway`) and how it reports failure;
- `smtp`, `sms_http`, `dev`: the adapters (SMTP, an HTTP SMS gateway, development);
- `settings`: which adapters the `KHIDMA_*` settings choose;
- `dispatcher`: one pass over the due messages; `worker`: the loop around it (with the
  clean-up job of `cleanup`), as `khidma worker` or a thread of `khidma run`;
- `sms_simulator`: a faithful SMS gateway for tests and development.

See docs/delivery.md.
"""
