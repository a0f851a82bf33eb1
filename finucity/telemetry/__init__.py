"""What an operator sees of the running app: log context, metrics and error reports.

At the bottom of the layers beside config: services record metrics here and
adapters (the API's middleware, the Reflex tab boundary) bind the log context,
so nothing below depends on how the app is served.

- `context`: the request id, user id and route or event of the work in hand,
  carried by context variables into every log line.
- `metrics`: the Prometheus metrics, and their text for `/metrics`.
- `errors`: Sentry, when `SENTRY_DSN` is set, scrubbed before sending.
"""
