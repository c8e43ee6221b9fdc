#!/usr/bin/env bash
# Makes sure the local servers the distributed shape and its tests need are up:
# PostgreSQL (127.0.0.1:5432, trust auth), NATS with JetStream (4222), Redis 7 (6379),
# plus pgbench, and Chromium for the web app's browser tests. Installs from Debian's packages
# when something is missing (needs root).
# Idempotent, and quick when all is already running: it only probes the ports then.
set -euo pipefail

PG_PORT=5432
NATS_PORT=4222
REDIS_PORT=6379
WAIT_SECONDS=${ORDO_SERVICES_WAIT_SECONDS:-60}
NATS_PID_FILE=/run/ordo-nats-server.pid

log() { echo "services: $*" >&2; }
die() {
  log "ERROR: $*"
  exit 1
}

if [[ $EUID -eq 0 ]]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1; then
  SUDO=(sudo)
else
  SUDO=()
fi
# Runs a command as root with the lock's fd 9 closed: a daemon it starts would otherwise
# inherit the lock and hold it for as long as it runs, blocking every later run.
as_root() {
  if [[ $EUID -ne 0 && ${#SUDO[@]} -eq 0 ]]; then
    die "need root (or sudo) to run: $*"
  fi
  "${SUDO[@]}" "$@" 9>&-
}

# Two runs at once (two test commands) must not both install or start a server.
LOCK_FILE="${TMPDIR:-/tmp}/ordo-services.lock"
if command -v flock >/dev/null 2>&1 && (: >>"$LOCK_FILE") 2>/dev/null; then
  exec 9>>"$LOCK_FILE"
  flock -w 600 9 || die "another scripts/services.sh has held the lock for 10 minutes"
fi

port_open() {
  # A TCP connect from bash itself: no client tools needed. The subshell closes the fd.
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

apt_updated=0
apt_install() {
  if [[ $apt_updated -eq 0 ]]; then
    log "apt-get update"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null || die "apt-get update failed"
    apt_updated=1
  fi
  log "apt-get install $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >/dev/null ||
    die "apt-get install $* failed"
}

# wait_until <what> <command...>: polls every 0.5 s for up to WAIT_SECONDS.
wait_until() {
  local what=$1
  shift
  local deadline=$((SECONDS + WAIT_SECONDS))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      die "$what did not become ready within ${WAIT_SECONDS}s"
    fi
    sleep 0.5
  done
}

# --- PostgreSQL -------------------------------------------------------------

pg_ready() {
  if command -v pg_isready >/dev/null 2>&1; then
    pg_isready -q -h 127.0.0.1 -p "$PG_PORT"
  else
    port_open "$PG_PORT"
  fi
}

pg_trust_ok() {
  psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -w -d postgres -tAc 'SELECT 1' >/dev/null 2>&1
}

pg_version() {
  # The newest installed server version, e.g. 15 (client-only installs have no bin/postgres).
  local bin
  for bin in /usr/lib/postgresql/*/bin/postgres; do
    if [[ -x $bin ]]; then basename "$(dirname "$(dirname "$bin")")"; fi
  done | sort -V | tail -n 1
}

pg_start() {
  local version
  version=$(pg_version)
  [[ -n $version ]] || die "no PostgreSQL server found under /usr/lib/postgresql after install"
  if [[ ! -d /etc/postgresql/$version/main ]]; then
    log "creating PostgreSQL $version cluster 'main'"
    as_root pg_createcluster "$version" main >/dev/null
  fi
  log "starting PostgreSQL $version"
  # /run is emptied on boot, and without systemd nothing recreates the socket directory.
  as_root install -d -o postgres -g postgres -m 2775 /var/run/postgresql
  # "already running" (say, on the socket only) is not an error; the wait below decides.
  as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
}

# Fresh Debian clusters use scram for 127.0.0.1; local tests connect without a password.
pg_ensure_trust() {
  local version hba
  version=$(pg_version)
  hba=/etc/postgresql/$version/main/pg_hba.conf
  [[ -f $hba ]] || die "cannot log in as postgres on 127.0.0.1 and $hba does not exist to fix it"
  log "enabling trust auth for 127.0.0.1 and ::1 in $hba"
  local tmp
  tmp=$(mktemp)
  {
    echo '# Added by ordo scripts/services.sh: local tests connect without a password.'
    echo 'host    all             all             127.0.0.1/32            trust'
    echo 'host    all             all             ::1/128                 trust'
    cat "$hba"
  } >"$tmp"
  as_root cp "$tmp" "$hba"
  rm -f "$tmp"
  as_root pg_ctlcluster --skip-systemctl-redirect "$version" main reload
  wait_until "PostgreSQL trust auth on 127.0.0.1" pg_trust_ok
}

ensure_postgres() {
  local started_here=0
  if ! pg_ready; then
    if [[ -z $(pg_version) ]]; then
      apt_install postgresql postgresql-contrib postgresql-client
    fi
    # The package's postinst may have started it already.
    pg_ready || pg_start
    wait_until "PostgreSQL on 127.0.0.1:$PG_PORT" pg_ready
    log "PostgreSQL is up on 127.0.0.1:$PG_PORT"
    started_here=1
  fi
  # Tests log in as postgres without a password unless ORDO_TEST_PG_URL says otherwise.
  # Only a server this script brought up gets its pg_hba.conf changed; one that was already
  # running is someone's deliberate setup, so it only gets a warning.
  if [[ -z ${ORDO_TEST_PG_URL:-} ]] && command -v psql >/dev/null 2>&1 && ! pg_trust_ok; then
    if [[ $started_here -eq 1 ]]; then
      pg_ensure_trust
    else
      log "WARNING: cannot log in as postgres on 127.0.0.1 without a password; set ORDO_TEST_PG_URL or enable trust auth"
    fi
  fi
  if ! command -v pgbench >/dev/null 2>&1; then
    apt_install postgresql-contrib postgresql-client
    command -v pgbench >/dev/null 2>&1 || die "pgbench is still missing after installing postgresql-contrib"
  fi
}

# --- Redis ------------------------------------------------------------------

redis_ready() {
  if command -v redis-cli >/dev/null 2>&1; then
    [[ $(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null) == PONG ]]
  else
    port_open "$REDIS_PORT"
  fi
}

ensure_redis() {
  port_open "$REDIS_PORT" && return 0
  command -v redis-server >/dev/null 2>&1 || apt_install redis-server redis-tools
  if ! port_open "$REDIS_PORT"; then
    log "starting Redis"
    as_root mkdir -p /var/lib/redis /var/log/redis
    # No persistence: it holds read models and limits that are rebuilt from the services.
    as_root redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" \
      --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
  fi
  wait_until "Redis on 127.0.0.1:$REDIS_PORT (log: /var/log/redis/ci.log)" redis_ready
  log "Redis is up on 127.0.0.1:$REDIS_PORT"
}

# --- NATS -------------------------------------------------------------------

nats_binary() {
  command -v nats-server 2>/dev/null || { [[ -x /usr/sbin/nats-server ]] && echo /usr/sbin/nats-server; } || true
}

ensure_nats() {
  port_open "$NATS_PORT" && return 0
  [[ -n $(nats_binary) ]] || apt_install nats-server
  local bin
  bin=$(nats_binary)
  [[ -n $bin ]] || die "nats-server is missing after install"
  if ! port_open "$NATS_PORT"; then
    log "starting NATS with JetStream"
    as_root mkdir -p /var/lib/nats-server
    # Matched by our pid file, not by executable name alone: a nats-server already running
    # for something else (another port) must not stop ours from starting.
    as_root start-stop-daemon --start --oknodo --background --make-pidfile --pidfile "$NATS_PID_FILE" \
      --exec "$bin" -- -a 127.0.0.1 -p "$NATS_PORT" -js -sd /var/lib/nats-server -l /var/log/nats-server.log
  fi
  wait_until "NATS on 127.0.0.1:$NATS_PORT (log: /var/log/nats-server.log)" port_open "$NATS_PORT"
  log "NATS is up on 127.0.0.1:$NATS_PORT"
}

# --- Chromium (browser tests of apps/web) -----------------------------------

CHROMIUM_BIN=${ORDO_CHROMIUM:-/usr/bin/chromium}

ensure_chromium() {
  [[ -x $CHROMIUM_BIN ]] && return 0
  # fonts-liberation is only a recommendation of the package; the screenshots need real fonts.
  apt_install chromium fonts-liberation
  [[ -x $CHROMIUM_BIN ]] || die "chromium is missing at $CHROMIUM_BIN after install"
  log "Chromium installed at $CHROMIUM_BIN"
}

ensure_postgres
ensure_redis
ensure_nats
ensure_chromium
log "PostgreSQL :$PG_PORT, Redis :$REDIS_PORT, NATS :$NATS_PORT are up; pgbench at $(command -v pgbench); Chromium at $CHROMIUM_BIN"
