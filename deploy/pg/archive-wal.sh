#!/bin/sh
# PostgreSQL archive_command for huanjie (SECURITY.md D6; docs/operations.md, "WAL archiving"):
#   archive_command = '/opt/huanjie/deploy/pg/archive-wal.sh %p %f'
# Runs as the postgres user, which holds no huanjie key: it only copies the finished segment into
# the local spool. huanjie-wal.timer then seals it (huanjie wal seal) and the sealed copy goes
# off-site. Exit 0 only when the segment is durably in the spool; PostgreSQL retries otherwise
# and keeps the segment in pg_wal meanwhile.
set -eu
SPOOL=${HUANJIE_WAL_SPOOL:-/var/lib/postgresql/wal-spool}
src=$1
name=$2

# Never overwrite: a segment archived twice (after a crash) succeeds only if identical.
if [ -f "$SPOOL/$name" ]; then
    cmp -s "$src" "$SPOOL/$name"
    exit $?
fi
test ! -f "$SPOOL/.$name.tmp" || rm -f "$SPOOL/.$name.tmp"
cp "$src" "$SPOOL/.$name.tmp"
# The huanjie group (huanjie-wal.service) must read the segment to seal it.
chmod 0640 "$SPOOL/.$name.tmp"
sync "$SPOOL/.$name.tmp"
mv "$SPOOL/.$name.tmp" "$SPOOL/$name"
sync "$SPOOL"
