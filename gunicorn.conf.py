"""gunicorn settings for Stegvis: `gunicorn -c gunicorn.conf.py 'app:create_app()'`.

STEGVIS_BIND, STEGVIS_WORKERS and STEGVIS_THREADS size it for the machine; the rest is policy.
"""
import os

bind = os.environ.get("STEGVIS_BIND", "127.0.0.1:8000")  # behind a TLS-terminating proxy
# Threads keep a long export streaming without the sync worker's timeout killing it.
worker_class = "gthread"
workers = int(os.environ.get("STEGVIS_WORKERS", "4"))
threads = int(os.environ.get("STEGVIS_THREADS", "4"))

# Clients and proxies reuse connections. With gunicorn's default of 2 s, a request sent just as
# gunicorn closed an idle connection got no reply: under load, 5 of 1,565 POSTs that followed
# more than 2 s of idle on a kept-alive connection were lost; with 30 s, none. A proxy that keeps
# upstream connections open must close them sooner than this (nginx: upstream keepalive_timeout
# below 30 s), or the same race comes back.
keepalive = 30

# Access log on stdout, errors (and the app's own log) on stderr. The logger class cuts the
# token out of participant links (/i/<token>) and drops query strings; the last field is the
# request id that error pages show, so a quoted reference finds its request.
accesslog = "-"
errorlog = "-"
logger_class = "app.logs.RedactingGunicornLogger"
access_log_format = '%(h)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms "%(f)s" "%(a)s" %({x-request-id}o)s'
