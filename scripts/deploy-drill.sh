#!/usr/bin/env bash
# The deployment drill: docs/operations.md "Installing on Debian 12" followed on this machine, from
# a clean clone to HTTPS on loopback, then a backup restored into an empty database. Run by hand,
# as root, on a Debian 12 test machine with PostgreSQL 15 reachable (not by CI):
#
#   scripts/deploy-drill.sh            # the repository this script is in
#   KEEP=1 scripts/deploy-drill.sh     # leave the install in place (services stopped, DBs kept)
#
# It installs the committed HEAD of that repository (a clone), deploy files included, never the
# work tree's uncommitted changes.
#
# Everything it makes has "drill" in its name: /tmp/drill (clone, logs), /opt/huanjie-drill,
# /etc/huanjie-drill, /var/lib/huanjie-drill, /var/backups/huanjie-drill, /run/huanjie-drill,
# /etc/ssl/huanjie-drill, the nginx site huanjie-drill, the databases huanjie_drill and
# huanjie_drill_restore and the roles huanjie_drill and huanjie_drill_owner. The system user is
# the real one, huanjie (the units name it). nginx listens on 127.0.0.1 only.
#
# Where the docs' paths differ (/opt/huanjie, /etc/huanjie, ...), the deploy files are copied with
# the paths rewritten and nothing else. systemd is used only to check the units
# (systemd-analyze verify): gunicorn and the worker are started with the units' own ExecStart
# lines, user and environment file, as systemd would (this also works where systemd is not PID 1).
# On exit (success, failure or Ctrl-C) it stops what it started and drops the drill databases;
# the last line is "drill: ok" or "drill: FAILED at step N: ...".
set -Eeuo pipefail

REPO=${REPO:-$(cd "$(dirname "$0")/.." && pwd)}
DRILL=/tmp/drill
SRC=$DRILL/src
PREFIX=/opt/huanjie-drill
ETC=/etc/huanjie-drill
VAR=/var/lib/huanjie-drill
BACKUPS=/var/backups/huanjie-drill
RUN=/run/huanjie-drill
SSL=/etc/ssl/huanjie-drill
SITE=huanjie-drill
DB=huanjie_drill
RESTORE_DB=huanjie_drill_restore
APP_ROLE=huanjie_drill
OWNER_ROLE=huanjie_drill_owner
HOST=localhost
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432}
PGADMIN=${PGADMIN:-postgres}
SYS_PY=/usr/bin/python3.11

STEP="start"
PIDS=()
NGINX_STARTED=""
DEFAULT_SITE_REMOVED=""

step() { STEP="$*"; printf '\n== step %s\n' "$*"; }
psql_admin() { psql -X -q -v ON_ERROR_STOP=1 -U "$PGADMIN" "$@"; }

# The rewrites from the docs' paths to the drill's, applied to every deploy file copied.
drill_paths() {
  sed -e "s|/opt/huanjie/|$PREFIX/|g" -e "s|/etc/huanjie/|$ETC/|g" \
      -e "s|/var/lib/huanjie\b|$VAR|g" -e "s|/var/backups/huanjie\b|$BACKUPS|g" \
      -e "s|/run/huanjie/|$RUN/|g" -e "s|/etc/ssl/huanjie/|$SSL/|g" "$@"
}

running() { [ -n "$(ps -p "$1" -o stat= 2>/dev/null | grep -v Z)" ]; }
# The ids of live processes whose command line names the drill's install folder.
drill_processes() {
  local d pid
  for d in /proc/[0-9]*; do
    pid=${d#/proc/}
    tr '\0' ' ' 2>/dev/null < "$d/cmdline" | grep -q "^[^ ]*$PREFIX/" && running "$pid" && echo "$pid"
  done
  return 0
}
drop_drill_databases() {
  psql_admin -d postgres -c "DROP DATABASE IF EXISTS $RESTORE_DB WITH (FORCE)" \
    -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" \
    -c "DROP ROLE IF EXISTS $APP_ROLE" -c "DROP ROLE IF EXISTS $OWNER_ROLE" 2>&1 | grep -v NOTICE || true
}

teardown() {
  local rc=$?
  set +e
  trap - EXIT INT TERM
  echo
  echo "== teardown"
  if [ -n "$NGINX_STARTED" ] && [ -s "$DRILL/nginx.pid" ]; then
    kill -QUIT "$(cat "$DRILL/nginx.pid")" 2>/dev/null
  fi
  # gunicorn's master stops its workers on TERM; the worker finishes its task first.
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 60); do running "$pid" || break; sleep 0.5; done
    running "$pid" && kill -KILL "$pid"
    wait "$pid" 2>/dev/null
  done
  # Anything still running from the drill's folder (a gunicorn worker whose master died) was
  # started by this drill: stop it by its id before its files go.
  for _ in $(seq 1 20); do
    left=$(drill_processes)
    [ -z "$left" ] && break
    # shellcheck disable=SC2086
    kill -TERM $left 2>/dev/null
    sleep 0.5
  done
  left=$(drill_processes)
  # shellcheck disable=SC2086
  [ -n "$left" ] && { echo "still running: $left, killing"; kill -KILL $left 2>/dev/null; }
  rm -f "/etc/nginx/sites-enabled/$SITE"
  [ -n "$DEFAULT_SITE_REMOVED" ] && ln -sf /etc/nginx/sites-available/default /etc/nginx/sites-enabled/default
  if [ -z "${KEEP:-}" ]; then
    rm -f "/etc/nginx/sites-available/$SITE"
    drop_drill_databases
    rm -rf "$PREFIX" "$ETC" "$VAR" "$BACKUPS" "$RUN" "$SSL"
  fi
  if [ "$rc" = 0 ]; then
    echo "drill: ok"
  else
    echo "drill: FAILED at step $STEP (exit $rc; logs in $DRILL)"
  fi
  exit "$rc"
}
trap teardown EXIT
trap 'exit 130' INT TERM

# Run a command line as the service would: user huanjie, the environment file loaded, in the state
# folder, umask 0027 (the units' User=, EnvironmentFile=, WorkingDirectory=, UMask=). setpriv execs,
# so $! is the process itself.
SERVICE=(setpriv --reuid=huanjie --regid=huanjie --init-groups
  env -i PATH=/usr/local/bin:/usr/bin:/bin HOME="$VAR" LANG=C.UTF-8
  sh -c 'umask 0027; cd "$0"; set -a; . "$1"; set +a; shift; exec "$@"' "$VAR" "$ETC/huanjie.env")
as_service() { "${SERVICE[@]}" "$@"; }
# docs/operations.md step 6's hj and hj_owner, with the drill's paths; HJ_DB picks the database
# (the restore's), the owner's password comes in PGPASSWORD as there.
hj() {
  runuser -u huanjie -- sh -c 'cd "$0" && set -a && . "$1" && set +a && shift && DATABASE_URL=${HJ_URL:-$DATABASE_URL} && exec "$@"' \
    "$VAR" "$ETC/huanjie.env" "$PREFIX/.venv/bin/huanjie" "$@"
}
hj_owner() {
  HJ_URL="postgres://$OWNER_ROLE@$PGHOST:$PGPORT/${HJ_DB:-$DB}" PGPASSWORD=$OWNER_PW hj "$@"
}
hj_app_db() { local db=$1; shift; HJ_URL="postgres://$APP_ROLE:$APP_PW@$PGHOST:$PGPORT/$db" hj "$@"; }
unit_exec() { drill_paths "$PREFIX/deploy/systemd/$1" | sed -n 's/^ExecStart=//p' | sed -e 's/%%/%/g' -e 's/\$\$/$/g'; }

step "0 preflight"
[ "$(id -u)" = 0 ] || { echo "run as root" >&2; exit 1; }
grep -q 'VERSION_ID="12"' /etc/os-release || echo "warning: not Debian 12"
echo "PID 1: $(ps -p 1 -o comm=)  (units are checked, not started by systemd)"
mkdir -p "$DRILL"
# A leftover from an earlier, interrupted run: only a process that is still the drill's own.
for f in "$DRILL"/gunicorn.pid "$DRILL"/worker.pid; do
  pid=$(cat "$f" 2>/dev/null || true)
  if [ -n "$pid" ] && tr '\0' ' ' 2>/dev/null < "/proc/$pid/cmdline" | grep -q "$PREFIX/"; then
    kill -TERM "$pid" || true
  fi
  rm -f "$f"
done
rm -f "/etc/nginx/sites-enabled/$SITE"
drop_drill_databases
rm -rf "$SRC" "$PREFIX" "$ETC" "$VAR" "$BACKUPS" "$RUN" "$SSL"

step "1 packages (docs step 1)"
pkgs=(python3.11 python3.11-venv make nginx postgresql-client-15 libpango-1.0-0 libpangoft2-1.0-0
  fonts-wqy-microhei openssl curl git oathtool)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  # Debian starts nginx on every address with its default site when it is installed: forbid
  # service starts for the install unless a policy already exists.
  policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    policy=1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" > "$DRILL/apt.log"
  [ -n "$policy" ] && rm -f /usr/sbin/policy-rc.d
fi
if pgrep -x nginx > /dev/null; then
  echo "nginx is already running on this machine; stop it first (the drill starts its own)" >&2
  exit 1
fi

step "2 make wheelhouse in a clean clone (the connected machine, docs step 3)"
git clone -q "$REPO" "$SRC"
git -C "$SRC" log --oneline -1
make -C "$SRC" wheelhouse > "$DRILL/wheelhouse.log" 2>&1 || { tail -20 "$DRILL/wheelhouse.log"; exit 1; }
echo "$(ls "$SRC/wheelhouse" | wc -l) files in the wheelhouse"

step "3 copy to $PREFIX and make install-offline (no index, this machine's pip config ignored)"
install -d -m 0755 "$PREFIX"
cp -a "$SRC/." "$PREFIX/"
env -u PIP_FIND_LINKS -u PIP_INDEX_URL -u PIP_EXTRA_INDEX_URL PIP_CONFIG_FILE=/dev/null \
  make -C "$PREFIX" install-offline WHEELHOUSE="$PREFIX/wheelhouse" PYTHON="$SYS_PY"
head -1 "$PREFIX/.venv/bin/huanjie" | grep -qx "#!$PREFIX/.venv/bin/python3.11"
"$PREFIX/.venv/bin/pip" list 2>/dev/null | grep -E '^(huanjie|gunicorn) '

step "4 system user and folders (docs step 2)"
getent passwd huanjie > /dev/null ||
  adduser --system --group --home /var/lib/huanjie --no-create-home huanjie
install -d -o huanjie -g huanjie -m 0750 "$VAR"
install -d -o huanjie -g huanjie -m 0700 "$BACKUPS"
install -d -o root -g huanjie -m 0750 "$ETC"
usermod -aG huanjie www-data

step "5 database and roles (docs step 4)"
OWNER_PW=$(openssl rand -hex 16)
APP_PW=$(openssl rand -hex 16)
psql_admin -d postgres -c "CREATE ROLE $OWNER_ROLE LOGIN PASSWORD '$OWNER_PW'" \
  -c "CREATE ROLE $APP_ROLE LOGIN PASSWORD '$APP_PW'"
createdb -U "$PGADMIN" -O "$OWNER_ROLE" "$DB"
APP_URL="postgres://$APP_ROLE:$APP_PW@$PGHOST:$PGPORT/$DB"
# The docs' grants, as the owner, before migrate: every table and sequence the owner makes from
# now on is the application's to read and write, not to alter.
psql_admin -d "$DB" <<SQL
SET ROLE $OWNER_ROLE;
GRANT USAGE ON SCHEMA public TO $APP_ROLE;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO $APP_ROLE;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO $APP_ROLE;
SQL

step "6 environment file (docs step 5)"
install -o root -g huanjie -m 0640 "$PREFIX/deploy/huanjie.env.example" "$ETC/huanjie.env"
secret=$(python3 -c "import secrets; print(secrets.token_urlsafe(50))")
field_key=$(python3 -c "import base64,os; print(base64.b64encode(os.urandom(32)).decode())")
lookup_key=$(python3 -c "import secrets; print(secrets.token_urlsafe(32))")
sed -i -e "s|^DATABASE_URL=.*|DATABASE_URL=$APP_URL|" \
  -e "s|^SECRET_KEY=.*|SECRET_KEY=$secret|" \
  -e "s|^HUANJIE_FIELD_KEYS=.*|HUANJIE_FIELD_KEYS=1:$field_key|" \
  -e "s|^HUANJIE_LOOKUP_KEY=.*|HUANJIE_LOOKUP_KEY=$lookup_key|" \
  -e "s|^\(HUANJIE_[A-Z_]*_KEYS\)=1:CHANGE-ME$|\1=1:$(python3 -c "import base64,os; print(base64.b64encode(os.urandom(32)).decode())")|" \
  -e "s|^HUANJIE_ALLOWED_HOSTS=.*|HUANJIE_ALLOWED_HOSTS=$HOST|" \
  -e "s|^HUANJIE_CSRF_TRUSTED_ORIGINS=.*|HUANJIE_CSRF_TRUSTED_ORIGINS=https://$HOST|" \
  -e "s|^HUANJIE_VAR_DIR=.*|HUANJIE_VAR_DIR=$VAR|" \
  -e "s|^HUANJIE_ADMIN_NETWORKS=.*|HUANJIE_ADMIN_NETWORKS=127.0.0.0/8|" \
  -e "s|^# HUANJIE_GUNICORN_BIND=.*|HUANJIE_GUNICORN_BIND=unix:$RUN/gunicorn.sock|" "$ETC/huanjie.env"
if grep -n "^[^#]*CHANGE-ME" "$ETC/huanjie.env"; then exit 1; fi
grep -q "^HUANJIE_GUNICORN_BIND=unix:$RUN/" "$ETC/huanjie.env"

step "7 migrate (owner role), revoke, collectstatic, check --deploy, regions (docs step 6)"
hj_owner migrate --no-input -v 0
psql_admin -d "$DB" -c "REVOKE UPDATE, DELETE, TRUNCATE ON audit_auditevent FROM $APP_ROLE"
hj collectstatic --no-input -v 0
hj check --deploy --fail-level WARNING
hj regions load --under 630121

step "8 the first administrators (docs step 7)"
ADMIN=drillsec
ADMIN_NAME=演练安全管理员
if hj help accounts > /dev/null 2>&1; then
  hj accounts bootstrap --region 630121 --system drillsys:演练系统管理员:13800001111 \
    --security "$ADMIN:$ADMIN_NAME:13800002222" --audit drillaud:演练审计管理员:13800003333 \
    > "$DRILL/bootstrap.txt"
  sed 's/初始密码：.*/初始密码：(hidden)/' "$DRILL/bootstrap.txt"
  ADMIN_PW=$(sed -n "s/.*（$ADMIN） 初始密码：\(.*\)$/\1/p" "$DRILL/bootstrap.txt")
  rm -f "$DRILL/bootstrap.txt"
  [ -n "$ADMIN_PW" ]
  hj accounts check
else
  # Before `huanjie accounts bootstrap` existed: the service itself, as the system.
  ADMIN_PW="Drill-$(openssl rand -hex 8)"
  hj shell -c "
from huanjie.accounts.services import RoleSpec, user_create
from huanjie.regions.models import Region
county = Region.objects.get(code='630121')
for name, full, role in [('drillsys', '演练系统管理员', 'system_admin'),
                         ('$ADMIN', '$ADMIN_NAME', 'security_admin'),
                         ('drillaud', '演练审计管理员', 'audit_admin')]:
    user_create(actor=None, username=name, full_name=full, region=county,
                roles=[RoleSpec(role)], password='$ADMIN_PW')
print('3 administrators (huanjie accounts bootstrap not there yet)')
"
fi

step "9 systemd units: verify, then start web and worker with their ExecStart lines"
mkdir -p "$DRILL/units"
for f in "$PREFIX"/deploy/systemd/*; do drill_paths "$f" > "$DRILL/units/$(basename "$f")"; done
if command -v systemd-analyze > /dev/null; then
  (cd "$DRILL/units" && systemd-analyze verify ./*.service ./*.timer)
fi
install -d -o huanjie -g huanjie -m 0750 "$RUN"  # RuntimeDirectory=huanjie
# A simple command in the background, not a function: $! is then gunicorn's own id (setpriv,
# env and sh each exec the next).
# shellcheck disable=SC2046 # the ExecStart lines are plain words
"${SERVICE[@]}" $(unit_exec huanjie-web.service) > "$DRILL/gunicorn.log" 2>&1 < /dev/null &
PIDS+=($!)
echo $! > "$DRILL/gunicorn.pid"
# shellcheck disable=SC2046
"${SERVICE[@]}" $(unit_exec huanjie-worker.service) > "$DRILL/worker.log" 2>&1 < /dev/null &
PIDS+=($!)
echo $! > "$DRILL/worker.pid"
for _ in $(seq 1 30); do [ -S "$RUN/gunicorn.sock" ] && break; sleep 0.5; done
[ -S "$RUN/gunicorn.sock" ] || { cat "$DRILL/gunicorn.log"; exit 1; }
kill -0 "$(cat "$DRILL/worker.pid")"

step "10 certificate and nginx site (docs step 9), loopback only"
install -d -m 0755 "$SSL"
openssl req -x509 -newkey rsa:2048 -nodes -days 7 -subj "/CN=$HOST" \
  -addext "subjectAltName=DNS:$HOST" -keyout "$SSL/privkey.pem" -out "$SSL/fullchain.pem" 2> /dev/null
chmod 0600 "$SSL/privkey.pem"
drill_paths "$PREFIX/deploy/nginx/huanjie.conf" |
  sed -e "s/huanjie\.example\.gov\.cn/$HOST/g" -e 's/listen 80;/listen 127.0.0.1:80;/' \
      -e 's/listen 443 /listen 127.0.0.1:443 /' -e '/listen \[::\]/d' \
  > "/etc/nginx/sites-available/$SITE"
if grep -E '^\s*listen' "/etc/nginx/sites-available/$SITE" | grep -v '127\.0\.0\.1:'; then exit 1; fi
ln -sf "/etc/nginx/sites-available/$SITE" /etc/nginx/sites-enabled/
if [ -e /etc/nginx/sites-enabled/default ]; then
  rm -f /etc/nginx/sites-enabled/default
  DEFAULT_SITE_REMOVED=1
fi
nginx -t -q
nginx
NGINX_STARTED=1
for _ in $(seq 1 20); do [ -s /run/nginx.pid ] && break; sleep 0.25; done
cp /run/nginx.pid "$DRILL/nginx.pid"
ss -ltn | grep -E ':(80|443)\b'

step "11 verify over HTTPS: /healthz, redirect, headers, cookies, login with password and TOTP"
curl -sfk "https://$HOST/healthz" | tee "$DRILL/healthz.txt"
echo
grep -qx ok "$DRILL/healthz.txt"
curl -sI "http://$HOST/login?x=1" | tee "$DRILL/redirect.h" | head -1
grep -qi "^location: https://$HOST/login?x=1" "$DRILL/redirect.h"
rm -f "$DRILL/cookies"
curl -sfk -c "$DRILL/cookies" -D "$DRILL/login.h" -o "$DRILL/login.html" "https://$HOST/accounts/login/"
grep -qi '^strict-transport-security: max-age=31536000; includeSubDomains' "$DRILL/login.h"
grep -qi "^content-security-policy: .*script-src 'self'" "$DRILL/login.h"
grep -qi '^set-cookie: __Host-csrftoken=.*; Path=/;.*Secure' "$DRILL/login.h"
csrf() { grep -o 'name="csrfmiddlewaretoken" value="[^"]*"' "$1" | head -1 | sed 's/.*value="//; s/"$//'; }
post() {  # post PAGE-PATH OUT-PREFIX field=value...
  local path=$1 out=$2 token
  shift 2
  token=$(csrf "$DRILL/page.html")
  local args=(--data-urlencode "csrfmiddlewaretoken=$token")
  for kv in "$@"; do args+=(--data-urlencode "$kv"); done
  curl -sk -b "$DRILL/cookies" -c "$DRILL/cookies" -D "$DRILL/$out.h" -o "$DRILL/$out.html" \
    -H "Referer: https://$HOST$path" "${args[@]}" "https://$HOST$path"
  head -1 "$DRILL/$out.h"
}
cp "$DRILL/login.html" "$DRILL/page.html"
post /accounts/login/ post "username=$ADMIN" "password=$ADMIN_PW"
grep -qi '^set-cookie: __Host-sessionid=.*HttpOnly.*Secure' "$DRILL/post.h"
grep -qi '^location: /accounts/login/code/' "$DRILL/post.h"
# Two-factor login (SECURITY.md A5): the password was accepted and the code is asked for; nobody
# is logged in until it is given.
curl -sk -b "$DRILL/cookies" -o /dev/null -w '%{redirect_url}\n' "https://$HOST/" | tee "$DRILL/landing.txt"
grep -q '/accounts/login/' "$DRILL/landing.txt"
# The first login binds the authenticator: the page shows the QR code and the key as text.
get() {  # get PATH: the page into page.html, its status line printed
  curl -sk -b "$DRILL/cookies" -c "$DRILL/cookies" -D "$DRILL/get.h" -o "$DRILL/page.html" \
    "https://$HOST$1"
  head -1 "$DRILL/get.h"
}
get /accounts/login/code/
grep -q 'src="data:image/svg+xml' "$DRILL/page.html"
OTP_KEY=$(sed -n 's/.*<code class="hj-otp-key">\([A-Z2-7 ]*\)<\/code>.*/\1/p' "$DRILL/page.html" | tr -d ' ')
[ ${#OTP_KEY} -ge 16 ] || { echo "no key on the code page" >&2; exit 1; }
echo "authenticator key shown (${#OTP_KEY} base32 characters)"
# A code is accepted once per 30-second step: the next code (in CODE; not a $(...) subshell,
# which would forget LAST_STEP) waits for a step not used yet.
LAST_STEP=0
otp() {
  while [ $(($(date +%s) / 30)) -le "$LAST_STEP" ]; do sleep 1; done
  LAST_STEP=$(($(date +%s) / 30))
  CODE=$(oathtool --totp -b "$OTP_KEY")
}
otp
CODE1=$CODE
post /accounts/login/code/ enroll "code=$CODE1"
grep -q '手机验证器已绑定' "$DRILL/enroll.html"
[ "$(grep -oE '>[23456789a-z]{4}-[23456789a-z]{4}<' "$DRILL/enroll.html" | sort -u | wc -l)" = 10 ]
grep -q '我已妥善保存，继续' "$DRILL/enroll.html"
next=$(grep -o 'href="[^"]*">我已妥善保存，继续' "$DRILL/enroll.html" | sed 's/^href="//; s/">.*//')
echo "authenticator bound, 10 recovery codes shown once; next: $next"
# A one-time password from `accounts bootstrap` is changed at the first login (SECURITY.md A8).
[ "$next" = /accounts/password/ ]
get /accounts/password/
NEW_PW="Drill-$(openssl rand -hex 10)"
post /accounts/password/ change "old_password=$ADMIN_PW" "new_password=$NEW_PW" "new_password2=$NEW_PW"
grep -qi '^location: /' "$DRILL/change.h"
ADMIN_PW=$NEW_PW
curl -sk -b "$DRILL/cookies" -c "$DRILL/cookies" -o "$DRILL/page.html" -w '%{url_effective}\n' -L "https://$HOST/" |
  tee "$DRILL/landing.txt"
grep -q "$ADMIN_NAME" "$DRILL/page.html"
get /accounts/users/ | grep -q ' 200 '
grep -q drillaud "$DRILL/page.html"
get /accounts/security/ > /dev/null
grep -q '已绑定' "$DRILL/page.html"
echo "signed in over HTTPS as $ADMIN with password and TOTP; password changed; 已绑定"
# Log out, then in again: the code only, a new one; a wrong code and a spent one are refused.
post /accounts/logout/ logout
grep -qi '^location: /accounts/login/' "$DRILL/logout.h"
login_password() {
  rm -f "$DRILL/cookies"
  get /accounts/login/ > /dev/null
  post /accounts/login/ post "username=$ADMIN" "password=$ADMIN_PW" > /dev/null
  grep -qi '^location: /accounts/login/code/' "$DRILL/post.h"
  get /accounts/login/code/ > /dev/null
  if grep -q 'hj-otp-key' "$DRILL/page.html"; then echo "the key is shown again" >&2; return 1; fi
}
refused() {  # refused OUT: the code page again, with the error, and still nobody logged in
  head -1 "$DRILL/$1.h" | grep -q ' 200 ' && grep -q '动态口令或恢复码不正确' "$DRILL/$1.html" &&
    [ "$(curl -sk -b "$DRILL/cookies" -o /dev/null -w '%{redirect_url}' "https://$HOST/accounts/users/")" != "" ]
}
login_password
WRONG=$(printf '%06d' $(((10#$CODE1 + 500000) % 1000000)))
post /accounts/login/code/ wrong "code=$WRONG" > /dev/null
refused wrong
echo "wrong code refused"
sleep 2  # django-otp throttles the device for a second after a failure (OTP_TOTP_THROTTLE_FACTOR)
otp
CODE2=$CODE
cp "$DRILL/wrong.html" "$DRILL/page.html"
post /accounts/login/code/ code2 "code=$CODE2"
grep -qi '^location: /' "$DRILL/code2.h"
get /accounts/users/ | grep -q ' 200 '
echo "second login with a new code"
post /accounts/logout/ logout > /dev/null
login_password
post /accounts/login/code/ replay "code=$CODE2" > /dev/null
refused replay
echo "reused code refused"
# Outside HUANJIE_ADMIN_NETWORKS: straight to gunicorn's socket as nginx would pass a client
# from 192.0.2.10 (nginx itself always says 127.0.0.1 here). Same answer as a wrong password.
outside() {
  curl -s --unix-socket "$RUN/gunicorn.sock" -H "Host: $HOST" -H 'X-Forwarded-Proto: https' \
    -H 'X-Forwarded-For: 192.0.2.10' "$@"
}
rm -f "$DRILL/outside.cookies"
outside -c "$DRILL/outside.cookies" -o "$DRILL/outside.html" "http://$HOST/accounts/login/"
token=$(csrf "$DRILL/outside.html")
outside -b "$DRILL/outside.cookies" -c "$DRILL/outside.cookies" -D "$DRILL/outside.h" \
  -o "$DRILL/outside.html" -H "Referer: https://$HOST/accounts/login/" \
  --data-urlencode "csrfmiddlewaretoken=$token" --data-urlencode "username=$ADMIN" \
  --data-urlencode "password=$ADMIN_PW" "http://$HOST/accounts/login/"
head -1 "$DRILL/outside.h" | grep -q ' 200 '
if grep -qi '^location:' "$DRILL/outside.h"; then echo "admin login from outside accepted" >&2; exit 1; fi
echo "administrator login from 192.0.2.10 (outside 127.0.0.0/8) refused"
# The audit log: the binding, and the logins with their second factor.
hj shell -c "
from huanjie.audit.models import AuditEvent
from huanjie.accounts.models import User
u = User.objects.get(username='$ADMIN')
events = AuditEvent.objects.filter(user_id=u.pk)
enrolled = events.filter(action='auth.otp_enrolled').count()
logins = events.filter(action='auth.login', changes__second_factor='totp').count()
outside = AuditEvent.objects.filter(action='auth.login_failed', ip='192.0.2.10',
    username='$ADMIN', message__startswith='管理员账号从管理网络以外登录').count()
wrong = AuditEvent.objects.filter(action='auth.login_failed', username='$ADMIN',
    message__startswith='动态口令或恢复码错误').count()
print(f'audit: auth.otp_enrolled {enrolled}, auth.login with second_factor totp {logins}, '
      f'codes refused {wrong}, refused from outside the admin networks {outside}')
assert (enrolled, logins, wrong, outside) == (1, 2, 2, 1), (enrolled, logins, wrong, outside)
"

step "12 backup (docs: Backups), as the backup unit runs it"
# The unit's line is itself "/bin/sh -c '...'": a shell parses its quotes as systemd would.
as_service sh -c "$(unit_exec huanjie-backup.service)"
backup=$(ls -d "$BACKUPS"/*/ | tail -1)
(cd "$backup" && sha256sum -c --quiet SHA256SUMS)
echo "backup: $backup"

step "13 restore into an empty database with the owner role (docs: Restore drill)"
createdb -U "$PGADMIN" -O "$OWNER_ROLE" "$RESTORE_DB"
HJ_DB=$RESTORE_DB hj_owner restore "$backup"

step "14 audit verify on both databases, heads equal"
hj audit verify
live_head=$(hj audit head)
hj_app_db "$RESTORE_DB" audit verify
restored_head=$(hj_app_db "$RESTORE_DB" audit head)
echo "live:     $live_head"
echo "restored: $restored_head"
[ -n "$live_head" ] && [ "$live_head" = "$restored_head" ]
