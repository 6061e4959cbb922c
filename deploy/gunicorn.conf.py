"""gunicorn for huanjie (deploy/systemd/huanjie-web.service starts it with `-c` this file).

nginx in front (deploy/nginx/huanjie.conf) terminates TLS and forwards over a unix socket, so
the application port is reachable by nobody but nginx.
"""

import multiprocessing
import os

bind = os.environ.get("HUANJIE_GUNICORN_BIND", "unix:/run/huanjie/gunicorn.sock")
# The socket is created rw for the huanjie group; nginx's user (www-data) is added to it.
umask = 0o007

# Synchronous workers: the request work is database-bound and short; imports over ~2,000 rows
# go to the background worker. 2 x cores + 1 is gunicorn's rule of thumb, capped for small VMs.
workers = int(
    os.environ.get("HUANJIE_GUNICORN_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 9))
)
# A small import (≤ 20 MB, SECURITY.md V4) previews in the request; allow it two minutes.
timeout = 120
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak in a library never grows unbounded.
max_requests = 2000
max_requests_jitter = 200
worker_tmp_dir = "/dev/shm"

# Logs go to the journal. URLs never carry personal data (SECURITY.md P11), so the access log
# may keep them.
accesslog = "-"
errorlog = "-"
loglevel = "info"
access_log_format = '%({x-forwarded-for}i)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'

# The proxy is the only client; it sets X-Forwarded-Proto itself (HUANJIE_TRUSTED_PROXY).
forwarded_allow_ips = "127.0.0.1"
proc_name = "huanjie"
# No control socket (gunicorn 25.1+ opens one in $HOME/.gunicorn, i.e. the state folder, by
# default): systemd starts, reloads and stops the service, nothing here uses gunicornc.
control_socket_disable = True
