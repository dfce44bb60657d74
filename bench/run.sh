#!/usr/bin/env bash
# The fan-out benchmark: Messenger vs RabbitMQ Web-STOMP vs a bare Vert.x broadcaster, in one invocation.
# Builds the app's fat jar and the bench, enables Web-STOMP if needed, then runs bench.Bench, which starts
# the app and the bare broadcaster itself. Table on stdout, JSON in target/bench/.
#
#   bench/run.sh                                   # the full sweep: N = 100, 500, 1000, 5000
#   bench/run.sh --n 100 --peers messenger,bare    # a short development run
#
# Options (all optional): --n, --peers (messenger,web-stomp,bare), --measure/--warm seconds per step,
# --loops (loadgen event loops), --senders, --http-instances, --app-jvm "<JVM flags for app and
# broadcaster>", e.g. "-XX:StartFlightRecording=filename=target/bench/app.jfr".
# Needs a RabbitMQ on localhost:5672 (guest/guest) with rabbitmq_web_stomp available.
set -euo pipefail
cd "$(dirname "$0")/.."

# N = 5000 needs > 5000 sockets in the app and in the load generator.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || ulimit -n 20000 || true
export BENCH_ULIMIT_N="$(ulimit -n)"

if [[ -z "${BENCH_SKIP_BUILD:-}" ]]; then
  mvn -q -B package -DskipTests
  mvn -q -B -f bench/pom.xml package
fi

if command -v rabbitmq-plugins >/dev/null; then
  # Enabling a plugin does not restart the broker; Web-STOMP then listens on 15674, path /ws.
  rabbitmq-plugins list -e -m 2>/dev/null | grep -qx rabbitmq_web_stomp \
    || rabbitmq-plugins enable rabbitmq_web_stomp >/dev/null
  export BENCH_BROKER_VERSION="$(rabbitmqctl version 2>/dev/null || echo '?')"
fi

mkdir -p target/bench
# The 2 cores are shared. BENCH_NICE=-10 gives the load generator, the app and the broadcaster (children
# inherit it) priority over other work, which steadies runs on a busy machine, but not the broker, which
# Web-STOMP (and Messenger's publish path) depend on: the default 0 keeps the comparison fair.
NICE="${BENCH_NICE:-0}"
if [[ "$NICE" != 0 ]] && ! nice -n "$NICE" true 2>/dev/null; then NICE=0; fi
export BENCH_NICE="$NICE"
exec nice -n "$NICE" java -XX:+UseParallelGC -Xms512m -Xmx2g -jar bench/target/bench.jar --command "bench/run.sh $*" "$@"
