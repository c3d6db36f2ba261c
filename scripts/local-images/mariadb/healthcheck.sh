#!/usr/bin/env bash
# Health check of lab-local/mariadb, with the options of the mariadb image's healthcheck.sh that
# the stack uses: tests run in the order given, and the check fails at the first failing test.
#   --connect                    the server accepts TCP connections (select @@skip_networking = 0)
#   --innodb_initialized         InnoDB finished starting (information_schema.ENGINES)
#   --innodb_buffer_pool_loaded  the buffer pool load at startup completed
#   --no-connect                 do not add the implicit connect test at the end
#   --defaults-extra-file=FILE, --datadir=DIR
# It signs in as the USAGE-only healthcheck user whose credentials the entrypoint wrote to
# $datadir/.my-healthcheck.cnf on the first start.
set -uo pipefail

datadir=/var/lib/mysql
extra_file=""
connected=""
client() {
  local file="${extra_file:-$datadir/.my-healthcheck.cnf}"
  local options=()
  [[ -f $file ]] && options+=("--defaults-extra-file=$file")
  mariadb "${options[@]}" --skip-column-names --batch "$@"
}

connect() {
  local answer
  answer="$(client -h 127.0.0.1 --protocol tcp -e 'select @@skip_networking' 2>&1)"
  connected=1
  if [[ $answer == 0 ]]; then return 0; fi
  echo "healthcheck connect: no TCP connection to MariaDB on 127.0.0.1: $answer" >&2
  return 1
}

innodb_initialized() {
  local answer
  answer="$(client --protocol socket -e "select 1 from information_schema.ENGINES where engine='innodb' and support in ('YES','DEFAULT','ENABLED')" 2>&1)"
  [[ $answer == 1 ]] && return 0
  echo "healthcheck innodb_initialized: InnoDB is not ready: ${answer:-no answer}" >&2
  return 1
}

innodb_buffer_pool_loaded() {
  local answer
  answer="$(client --protocol socket -e "select variable_value from information_schema.GLOBAL_STATUS where variable_name='Innodb_buffer_pool_load_status'" 2>&1)"
  [[ $answer == *"load completed"* ]] && return 0
  echo "healthcheck innodb_buffer_pool_loaded: ${answer:-no answer}" >&2
  return 1
}

for arg in "$@"; do
  case "$arg" in
    --datadir=*) datadir="${arg#*=}" ;;
    --defaults-extra-file=*) extra_file="${arg#*=}" ;;
    --no-connect) connected=1 ;;
    --connect) connect || exit 1 ;;
    --innodb_initialized) innodb_initialized || exit 1 ;;
    --innodb_buffer_pool_loaded) innodb_buffer_pool_loaded || exit 1 ;;
    *) echo "healthcheck: unknown option or test '$arg' (this image knows --connect, --innodb_initialized, --innodb_buffer_pool_loaded, --no-connect, --datadir=, --defaults-extra-file=)" >&2; exit 1 ;;
  esac
done
# As upstream: a check without a passing connect test is not trusted on its own.
if [[ -z $connected ]]; then connect || exit 1; fi
exit 0
