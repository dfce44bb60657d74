#!/usr/bin/env bash
# The benchmark: Messenger vs RabbitMQ Web-STOMP vs a bare Vert.x broadcaster, in one invocation.
# Builds the app's fat jar and the bench, enables Web-STOMP if needed, then runs bench.Bench, which starts
# the app and the bare servers itself. Table on stdout, JSON in target/bench/.
#
#   bench/run.sh                                   # start-up, light load, N = 100, 500, 1000, 5000, ingest
#   bench/run.sh --n 100 --peers messenger,bare    # a short development run
#   bench/run.sh --profile                         # and the latency by hop at light load
#   bench/run.sh --help                            # the options
#
# Options: see the README's Performance section (and bench/src/main/java/bench/Options.java).
# Needs a RabbitMQ on localhost:5672 (guest/guest) with rabbitmq_web_stomp available, or --rabbitmq-uri
# and --stomp-port for another node (its plugins are then left alone).
set -euo pipefail
cd "$(dirname "$0")/.."

# N receivers need N sockets in the server and in the load generator (which spreads them over several
# processes beyond --receivers-per-process); N = 20 000 needs more than 20 000 open files in the server.
# Raise the hard limit where that is allowed (it needs CAP_SYS_RESOURCE), then the soft limit to it.
WANT_NOFILE="${BENCH_NOFILE:-65536}"
if [[ "$(ulimit -Hn)" != unlimited && "$(ulimit -Hn)" -lt "$WANT_NOFILE" ]]; then
  ulimit -Hn "$WANT_NOFILE" 2>/dev/null || echo "bench: cannot raise the open-files hard limit above $(ulimit -Hn)" >&2
fi
ulimit -n "$(ulimit -Hn)" 2>/dev/null || ulimit -n 20000 || true
export BENCH_ULIMIT_N="$(ulimit -n)"

if [[ " $* " == *" --help "* ]]; then # the options, without building the app or starting anything
  [[ -f bench/target/bench.jar ]] || ./mvnw -q -B -f bench/pom.xml package
  exec java -jar bench/target/bench.jar --help
fi

if [[ -z "${BENCH_SKIP_BUILD:-}" ]]; then
  ./mvnw -q -B package -DskipTests
  ./mvnw -q -B -f bench/pom.xml package
fi

PEERS="messenger,web-stomp,bare" OWN_BROKER="${RABBITMQ_URI:-}" PREVIOUS=""
for arg in "$@"; do
  [[ "$PREVIOUS" == --peers ]] && PEERS="$arg"
  [[ "$arg" == --rabbitmq-uri ]] && OWN_BROKER=1
  PREVIOUS="$arg"
done
if [[ ",$PEERS," == *,web-stomp,* && -z "$OWN_BROKER" ]] && command -v rabbitmq-plugins >/dev/null; then
  # Enabling a plugin does not restart the broker; Web-STOMP then listens on 15674, path /ws.
  rabbitmq-plugins list -e -m 2>/dev/null | grep -qx rabbitmq_web_stomp \
    || rabbitmq-plugins enable rabbitmq_web_stomp >/dev/null
fi
export BENCH_BROKER_VERSION="$(rabbitmqctl version 2>/dev/null || echo '?')"

mkdir -p target/bench
# The 2 cores are shared. BENCH_NICE=-10 gives the load generator, the app and the broadcaster (children
# inherit it) priority over other work, which steadies runs on a busy machine, but not the broker, which
# Web-STOMP (and Messenger's publish path) depend on: the default 0 keeps the comparison fair.
NICE="${BENCH_NICE:-0}"
if [[ "$NICE" != 0 ]] && ! nice -n "$NICE" true 2>/dev/null; then NICE=0; fi
export BENCH_NICE="$NICE"
exec nice -n "$NICE" java -XX:+UseParallelGC -Xms512m -Xmx2g -jar bench/target/bench.jar --command "bench/run.sh $*" "$@"
