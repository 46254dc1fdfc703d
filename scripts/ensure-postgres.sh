#!/usr/bin/env bash
# Run by `npm test` before the tests: makes sure a PostgreSQL server answers for the PostgreSQL store's
# tests. With IOASID_TEST_DATABASE_URL set it uses that one; otherwise it starts the local cluster when
# it is down (as root, with Debian's pg_ctlcluster), or stops at once saying the exact command to run.
set -uo pipefail

if [ -n "${IOASID_TEST_DATABASE_URL:-}" ]; then
  echo "PostgreSQL: the tests use IOASID_TEST_DATABASE_URL"
  exit 0
fi

answers() {
  if command -v pg_isready >/dev/null; then
    pg_isready -q -h 127.0.0.1 -p 5432
  else
    (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null
  fi
}

if answers; then
  echo "PostgreSQL: running on 127.0.0.1:5432"
  exit 0
fi

if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
  version="$(ls /etc/postgresql | head -n 1)"
  start="pg_ctlcluster --skip-systemctl-redirect $version main start"
  if [ "$(id -u)" -eq 0 ]; then
    status=0
    $start || status=$?
    # pg_ctlcluster exits 2 when the cluster already runs.
    if [ "$status" -eq 0 ] || [ "$status" -eq 2 ]; then
      for _ in $(seq 1 50); do
        if answers; then
          echo "PostgreSQL: started cluster $version/main"
          exit 0
        fi
        sleep 0.2
      done
    fi
    echo "PostgreSQL: '$start' did not bring a server up on 127.0.0.1:5432 (exit $status); see /var/log/postgresql/" >&2
    exit 1
  fi
  echo "PostgreSQL is not running on 127.0.0.1:5432, and the tests need it: run 'sudo $start'," >&2
  echo "or point IOASID_TEST_DATABASE_URL at a server (postgres://USER@HOST:PORT/DB)" >&2
  exit 1
fi

echo "PostgreSQL is not installed here, and the tests need it: run 'sudo apt-get install -y postgresql'" >&2
echo "(it starts a cluster on 127.0.0.1:5432), or point IOASID_TEST_DATABASE_URL at a server" >&2
exit 1
