"""gunicorn's settings for Viewmark, read by ``gunicorn app:server`` started in this folder (README,
"Production"); the benchmark and the soak run start it the same way (``benchmarks.serve.Gunicorn``).

Threaded workers: each worker process answers ``threads`` requests at once, so one waiting on the
application database, the result cache or a commit's fsync leaves the process's other threads working,
and a client's connection is kept alive between its requests. The app is thread-safe: a sheet's queries
already run on threads of their own (``dashboards.service``), DuckDB gives each running query its own
cursor, and the database pool hands each thread its own connection.

Command-line options override these (``--workers 4``).
"""

worker_class = "gthread"
# Two: enough to keep a worker busy while a request waits, without more renders at once than its memory
# allows (each holds its sheet's frames; README, "Benchmark": the worker's peak RSS).
threads = 2
# An idle kept-alive connection is closed after this long. Longer than a client's pause between requests:
# a client that sends on a connection the server is closing that moment gets no answer (gunicorn's default,
# 2 s, is shorter than a person's pause). Idle connections wait in the worker's poller, not on a thread.
keepalive = 75
