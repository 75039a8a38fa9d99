"""Running LunarShare as a production stack: health probes, request ids carried into logs and
Celery tasks, JSON logs, Prometheus metrics and HTTP caching of public answers.

See docs/operations.md ("Processes", "Health and metrics", "HTTP caching")."""
