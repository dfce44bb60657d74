#!/usr/bin/env bash
# Runs Messenger as two instances behind nginx on this machine, without Docker:
#
#   ./mvnw -q package -DskipTests && deploy/run-local.sh
#   → open http://localhost:8080 (the load balancer); Ctrl-C stops everything.
#
# The instances share nothing but RabbitMQ and SESSION_SECRET; nginx spreads requests over them
# round-robin (no sticky sessions) and passes WebSocket upgrades through.
# Settings (environment):
#   LB_PORT          port of the load balancer (8080)
#   INSTANCE_PORTS   one HTTP port per instance ("8081 8082"; give more ports for more instances)
#   MONITORING_PORTS one management port per instance, for /metrics (each HTTP port + 1000: "9081 9082")
#   RABBITMQ_URI     the broker (amqp://guest:guest@localhost:5672)
#   SESSION_SECRET   shared by every instance (generated for this run if unset)
#   MESSENGER_CONF   JSON passed to every instance with -conf (optional)
#   JAR              the fat jar (target/messenger.jar)
#   RUN_DIR          where logs, pid files and nginx.conf go (a new temporary directory)
#   NGINX            the nginx binary (nginx, else /usr/sbin/nginx)
set -euo pipefail
cd "$(dirname "$0")/.."

LB_PORT=${LB_PORT:-8080}
INSTANCE_PORTS=${INSTANCE_PORTS:-"8081 8082"}
read -r -a http_ports <<<"$INSTANCE_PORTS"
read -r -a monitoring_ports <<<"${MONITORING_PORTS:-$(for port in $INSTANCE_PORTS; do echo $((port + 1000)); done)}"
[ ${#monitoring_ports[@]} -eq ${#http_ports[@]} ] || { echo "MONITORING_PORTS needs one port per instance" >&2; exit 1; }
JAR=${JAR:-target/messenger.jar}
RUN_DIR=${RUN_DIR:-$(mktemp -d -t messenger-local.XXXXXX)}
NGINX=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}
export RABBITMQ_URI=${RABBITMQ_URI:-amqp://guest:guest@localhost:5672}
export SESSION_SECRET=${SESSION_SECRET:-$(head -c 32 /dev/urandom | base64)}

[ -f "$JAR" ] || { echo "$JAR is missing: run './mvnw -q package -DskipTests' first" >&2; exit 1; }
[ -x "$NGINX" ] || { echo "nginx is missing (Debian: apt-get install nginx)" >&2; exit 1; }
command -v curl >/dev/null || { echo "curl is missing (Debian: apt-get install curl)" >&2; exit 1; }
mkdir -p "$RUN_DIR/tmp"
chmod 1777 "$RUN_DIR/tmp" # nginx workers may run as another user than the master

pids=()
stop_all() {
  trap - EXIT INT TERM
  echo "Stopping"
  kill -TERM "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap stop_all EXIT INT TERM

servers=""
for i in "${!http_ports[@]}"; do
  port=${http_ports[$i]}
  conf=()
  [ -n "${MESSENGER_CONF:-}" ] && conf=(-conf "$MESSENGER_CONF")
  HTTP_PORT=$port MONITORING_PORT=${monitoring_ports[$i]} MESSENGER_INSTANCE="messenger-$port" \
    java ${JAVA_OPTS:-} -jar "$JAR" "${conf[@]}" >"$RUN_DIR/messenger-$port.log" 2>&1 &
  pids+=($!)
  echo $! >"$RUN_DIR/messenger-$port.pid"
  servers+="    server 127.0.0.1:$port max_fails=1 fail_timeout=5s;"$'\n'
done

# The same proxy settings as the Docker Compose setup (deploy/nginx-proxy.conf), with this run's ports and paths.
cat >"$RUN_DIR/nginx.conf" <<NGINX
worker_processes 1;
pid $RUN_DIR/nginx.pid;
error_log $RUN_DIR/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log $RUN_DIR/nginx-access.log;
  client_body_temp_path $RUN_DIR/tmp/body;
  proxy_temp_path $RUN_DIR/tmp/proxy;
  fastcgi_temp_path $RUN_DIR/tmp/fastcgi;
  uwsgi_temp_path $RUN_DIR/tmp/uwsgi;
  scgi_temp_path $RUN_DIR/tmp/scgi;
  map \$http_upgrade \$websocket_upgrade { ~*^websocket\$ websocket; default ''; }
  map \$http_upgrade \$connection_upgrade { ~*^websocket\$ upgrade; default close; }
  upstream messenger {
$servers  }
  upstream messenger_sockjs {
    hash \$sockjs_session consistent;
$servers  }
  server {
    listen 127.0.0.1:$LB_PORT;
    include $PWD/deploy/nginx-proxy.conf;
  }
}
NGINX

"$NGINX" -p "$RUN_DIR" -c "$RUN_DIR/nginx.conf" -g 'daemon off;' &
pids+=($!)
echo $! >"$RUN_DIR/nginx.pid.launcher"

for port in $INSTANCE_PORTS; do
  for _ in $(seq 1 120); do
    curl -fs -o /dev/null "http://127.0.0.1:$port/health" && break
    sleep 0.5
  done
  curl -fs -o /dev/null "http://127.0.0.1:$port/health" || {
    echo "The instance on port $port did not become healthy; see $RUN_DIR/messenger-$port.log" >&2; exit 1; }
done
echo "Messenger is running behind nginx on http://localhost:$LB_PORT/ (instances: $INSTANCE_PORTS; metrics on 127.0.0.1 ports ${monitoring_ports[*]}; logs in $RUN_DIR)"
wait
