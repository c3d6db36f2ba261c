#!/usr/bin/env bash
# Entrypoint of lab-local/mariadb, written for this project after the mariadb image's documented
# behaviour (hub.docker.com/_/mariadb):
#  - arguments starting with "-" are server options: the command becomes `mariadbd <options>`;
#  - started as root, it makes the data directory the mysql user's and re-executes itself as mysql;
#  - on an empty data directory it creates the system tables, sets the root password
#    (MARIADB_ROOT_PASSWORD, or MARIADB_ALLOW_EMPTY_ROOT_PASSWORD / MARIADB_RANDOM_ROOT_PASSWORD),
#    root@MARIADB_ROOT_HOST (default %), MARIADB_DATABASE, MARIADB_USER/MARIADB_PASSWORD with all
#    rights on that database, the healthcheck user, then runs /docker-entrypoint-initdb.d/* once,
#    on a temporary server without networking, and stops it;
#  - then it executes the server in the foreground.
# The MYSQL_* names upstream still accepts are accepted here too.
set -euo pipefail

note() { echo "$(date -u '+%F %T') [Note] [Entrypoint]: $*"; }
fail() { echo "$(date -u '+%F %T') [ERROR] [Entrypoint]: $*" >&2; exit 1; }

if [[ ${1:-} == -* ]]; then set -- mariadbd "$@"; fi
if [[ ${1:-} != mariadbd && ${1:-} != mysqld ]]; then exec "$@"; fi

DATADIR=/var/lib/mysql
for arg in "$@"; do
  case "$arg" in --datadir=*) DATADIR="${arg#*=}" ;; esac
done
SOCKET=/run/mysqld/mysqld.sock

if [[ $(id -u) -eq 0 ]]; then
  mkdir -p "$DATADIR" /run/mysqld
  # Only what is not the mysql user's already: a large volume is not rewritten on every start.
  find "$DATADIR" /run/mysqld \! -user mysql -exec chown mysql:mysql '{}' +
  note "switching to the mysql user"
  exec setpriv --reuid=mysql --regid=mysql --init-groups "$0" "$@"
fi

# MARIADB_X, else MYSQL_X, else the default.
env_or() {
  local mariadb="MARIADB_$1" mysql="MYSQL_$1"
  printf '%s' "${!mariadb:-${!mysql:-${2:-}}}"
}
ROOT_PASSWORD="$(env_or ROOT_PASSWORD)"
ALLOW_EMPTY="$(env_or ALLOW_EMPTY_ROOT_PASSWORD)"
RANDOM_ROOT="$(env_or RANDOM_ROOT_PASSWORD)"
ROOT_HOST="$(env_or ROOT_HOST %)"
DATABASE="$(env_or DATABASE)"
USER_NAME="$(env_or USER)"
USER_PASSWORD="$(env_or PASSWORD)"

# A string as a quoted SQL literal.
sql_string() {
  local s="${1//\\/\\\\}"
  printf "'%s'" "${s//\'/\\\'}"
}
sql_identifier() { printf '`%s`' "${1//\`/\`\`}"; }
random_password() { tr -dc 'A-Za-z0-9' </dev/urandom | head -c 32 || true; }

# Before the root password is set, root signs in without one; after, through ROOT_CNF (never argv).
ROOT_CNF=""
run_sql() { mariadb ${ROOT_CNF:+--defaults-extra-file="$ROOT_CNF"} --protocol=socket --socket="$SOCKET" -uroot --batch "$@"; }

initialize() {
  if [[ -z $ROOT_PASSWORD && -z $ALLOW_EMPTY && -z $RANDOM_ROOT ]]; then
    fail "the database is uninitialized and no root password option is set: set MARIADB_ROOT_PASSWORD (or MARIADB_ALLOW_EMPTY_ROOT_PASSWORD=1 or MARIADB_RANDOM_ROOT_PASSWORD=1)"
  fi
  if [[ -n $USER_NAME && -z $USER_PASSWORD ]]; then
    fail "MARIADB_USER=$USER_NAME is set but MARIADB_PASSWORD is empty: set the user's password"
  fi
  if [[ $USER_NAME == root ]]; then
    fail "MARIADB_USER=root: root is created from MARIADB_ROOT_PASSWORD; name another user"
  fi
  if [[ -n $RANDOM_ROOT ]]; then
    ROOT_PASSWORD="$(random_password)"
    note "GENERATED ROOT PASSWORD: $ROOT_PASSWORD"
  fi

  note "initializing database files in $DATADIR"
  # No binlog while the system tables are written: they are not data a CDC reader should replay.
  mariadb-install-db --datadir="$DATADIR" --auth-root-authentication-method=normal --skip-test-db \
    --skip-name-resolve --skip-log-bin --default-time-zone=SYSTEM >/dev/null ||
    fail "mariadb-install-db failed in $DATADIR (see above): is the directory writable by mysql and empty?"

  note "starting a temporary server (no networking) for the first-start setup"
  "$@" --skip-networking --socket="$SOCKET" --datadir="$DATADIR" --skip-slave-start &
  local pid=$!
  local tries
  for tries in $(seq 60); do
    if run_sql -e 'SELECT 1' >/dev/null 2>&1; then break; fi
    kill -0 "$pid" 2>/dev/null || fail "the temporary server exited during the first-start setup (see its log above)"
    [[ $tries -lt 60 ]] || fail "the temporary server did not answer on $SOCKET within 60 s"
    sleep 1
  done

  local health_password
  health_password="$(random_password)"
  {
    # The setup's own statements stay out of the binlog, as upstream's do; init scripts are logged.
    echo "SET @@SESSION.SQL_LOG_BIN=0;"
    # mariadb-install-db leaves password-less root@127.0.0.1, root@::1, root@<hostname> and
    # anonymous users; only root@localhost (and root@ROOT_HOST below) keep a way in.
    echo "DROP USER IF EXISTS 'root'@'127.0.0.1', 'root'@'::1', ''@'localhost';"
    echo "EXECUTE IMMEDIATE CONCAT('DROP USER IF EXISTS root@''', @@hostname, '''');"
    echo "EXECUTE IMMEDIATE CONCAT('DROP USER IF EXISTS ''''@''', @@hostname, '''');"
    echo "SET PASSWORD FOR 'root'@'localhost' = PASSWORD($(sql_string "$ROOT_PASSWORD"));"
    if [[ $ROOT_HOST != localhost ]]; then
      echo "CREATE USER 'root'@$(sql_string "$ROOT_HOST") IDENTIFIED BY $(sql_string "$ROOT_PASSWORD");"
      echo "GRANT ALL ON *.* TO 'root'@$(sql_string "$ROOT_HOST") WITH GRANT OPTION;"
      echo "GRANT PROXY ON ''@'%' TO 'root'@$(sql_string "$ROOT_HOST") WITH GRANT OPTION;"
    fi
    for host in 127.0.0.1 ::1 localhost; do
      echo "CREATE USER 'healthcheck'@'$host' IDENTIFIED BY $(sql_string "$health_password");"
      echo "GRANT USAGE ON *.* TO 'healthcheck'@'$host';"
    done
    if [[ -n $DATABASE ]]; then
      echo "CREATE DATABASE IF NOT EXISTS $(sql_identifier "$DATABASE");"
    fi
    if [[ -n $USER_NAME ]]; then
      echo "CREATE USER $(sql_string "$USER_NAME")@'%' IDENTIFIED BY $(sql_string "$USER_PASSWORD");"
      [[ -z $DATABASE ]] || echo "GRANT ALL ON $(sql_identifier "${DATABASE//_/\\_}").* TO $(sql_string "$USER_NAME")@'%';"
    fi
    echo "FLUSH PRIVILEGES;"
  } | run_sql || fail "the first-start SQL (root password, users, database) failed; see the message above"
  # The health check reads these; only mysql (and root) may.
  umask 077
  ROOT_CNF=/run/mysqld/.root-setup.cnf
  # Quoted, with \ and " escaped: option files treat # and ; as comments and strip spaces.
  local quoted="${ROOT_PASSWORD//\\/\\\\}"
  printf '[client]\npassword="%s"\n' "${quoted//\"/\\\"}" >"$ROOT_CNF"
  printf '[mariadb-client]\nport=3306\nsocket=%s\nuser=healthcheck\npassword=%s\n' "$SOCKET" "$health_password" \
    >"$DATADIR/.my-healthcheck.cnf"

  local file
  for file in /docker-entrypoint-initdb.d/*; do
    [[ -e $file ]] || continue
    case "$file" in
      *.sh)
        note "running $file"
        if [[ -x $file ]]; then "$file"; else bash "$file"; fi ;;
      *.sql)
        note "running $file"
        run_sql ${DATABASE:+"$DATABASE"} <"$file" || fail "$file failed (see the SQL error above); the data directory is left half-initialized: remove the volume and start again" ;;
      *.sql.gz)
        note "running $file"
        gunzip -c "$file" | run_sql ${DATABASE:+"$DATABASE"} || fail "$file failed (see the SQL error above); remove the volume and start again" ;;
      *) note "ignoring $file (not .sh, .sql or .sql.gz)" ;;
    esac
  done

  note "stopping the temporary server"
  kill "$pid"
  wait "$pid" || true
  rm -f "$ROOT_CNF"
  note "first-start setup done; starting MariaDB"
}

if [[ ! -d $DATADIR/mysql ]]; then
  initialize "$@"
fi
exec "$@"
