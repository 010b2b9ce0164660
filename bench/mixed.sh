#!/usr/bin/env bash
# Issue 12's mixed run (docs/BENCHMARKS.md): normal sessions from `loadtest` alone, then the same
# sessions beside `quill hostile` (never-reading sockets flooding history, slowloris and idle
# connections, tiny temperatures, 1,000-message bodies, refused retries, clients leaving mid-stream),
# each on a fresh server with the README's serving flags. It passes when the mixed run has 0 failed
# normal requests, p50/p99 TTFT within 1.5x of the run alone, heap and RSS flat, 0 event-loop blocked
# warnings, and every conversation's stored history exactly what its client sent and received.
#
#   bench/mixed.sh                                  # about 5 minutes on 2 cores, demo model
#   SESSIONS=32 DURATION=240 bench/mixed.sh         # longer, more sessions
#   MODEL=model/target/bench-models/gpt2-124m-chat bench/mixed.sh   # the load-test model of bench/load.sh
#   HOSTILE_ARGS="--never-readers 4 --idle 500" bench/mixed.sh      # more of a behaviour (quill hostile --help)
#
# It builds the jar as README.md says, and nothing else. Results go to docs/loadtest/ (mixed-alone.*,
# mixed-hostile.*, mixed-summary.json, the servers' logs). Exit status: 0 when every criterion holds,
# 1 when one fails (they are printed, each with its value and limit), 2 when a run could not be made.
set -euo pipefail
cd "$(dirname "$0")/.."

port=${PORT:-8091}
out=docs/loadtest
model=${MODEL:-models/quill-demo}
sessions=${SESSIONS:-16}
duration=${DURATION:-90}
warmup=${WARMUP:-10}
mkdir -p "$out"

if [[ -z "${SKIP_BUILD:-}" ]]; then
  ./mvnw -B -q package -DskipTests
fi
jar=server/target/quill-server.jar

server=
stop_server() { # SIGTERM, and SIGKILL if it has not ended within a minute (a server out of memory may not)
  if [[ -n "$server" ]]; then
    kill "$server" 2>/dev/null || true
    for _ in $(seq 60); do kill -0 "$server" 2>/dev/null || break; sleep 1; done
    if kill -0 "$server" 2>/dev/null; then echo "server ignored SIGTERM for 60 s: killed"; kill -9 "$server" 2>/dev/null || true; fi
    wait "$server" 2>/dev/null || true
  fi
  server=
}
trap stop_server EXIT

start_server() { # $1: log file. A fixed, pre-touched heap, as README.md advises for serving.
  java ${SERVER_JVM:--Xms1g -Xmx1g -XX:+AlwaysPreTouch} -jar "$jar" serve --model "$model" --port "$port" \
      --engine.slots 32 --engine.max_waiting 256 > "$1" 2>&1 &
  server=$!
  until curl -sf "http://127.0.0.1:$port/health/ready" > /dev/null; do
    kill -0 "$server" 2>/dev/null || { echo "server died at start: $1"; exit 2; }
    sleep 1
  done
}

loadtest() { # $1: name. Three-turn conversations that stay inside the demo model's 512 positions.
  java -jar "$jar" loadtest --url "http://127.0.0.1:$port" --protocol ws --verify-history \
      --system "You are a helpful assistant." --sessions "$sessions" --turns 3 \
      --duration "$duration" --warmup "$warmup" --grace 120 \
      --prompt-tokens uniform:16..48 --max-tokens uniform:24..64 --seed 0 \
      --out "$out/$1.json" --report "$out/$1.html" || true  # its verdict is read from the JSON below
}

blocked() { grep -c 'has been blocked' "$1" || true; }

echo "### mixed-alone: $sessions sessions, no hostile clients — $(date -Is), load $(cut -d' ' -f1-3 /proc/loadavg)"
start_server "$out/mixed-alone.server.log"
loadtest mixed-alone
stop_server

echo "### mixed-hostile: the same sessions beside quill hostile — $(date -Is)"
start_server "$out/mixed-hostile.server.log"
java -jar "$jar" hostile --url "http://127.0.0.1:$port" --duration $((warmup + duration)) --grace 30 \
    ${HOSTILE_ARGS:-} --out "$out/mixed-hostile.hostile.json" > /dev/null &
hostile=$!
loadtest mixed-hostile
wait "$hostile" || echo "hostile driver exited with $?"
alive=yes
curl -sf -m 10 "http://127.0.0.1:$port/health/live" > /dev/null || alive=no
stop_server

for f in mixed-alone.json mixed-hostile.json; do
  [[ -s "$out/$f" ]] || { echo "no result $out/$f: the load test could not run"; exit 2; }
done
status=0
java -jar "$jar" loadtest --mixed-check "$out/mixed-alone.json" "$out/mixed-hostile.json" \
    --hostile "$out/mixed-hostile.hostile.json" --out "$out/mixed-summary.json" || status=$?
logged_alone=$(blocked "$out/mixed-alone.server.log")
logged_mixed=$(blocked "$out/mixed-hostile.server.log")
oom=$(grep -c 'OutOfMemoryError' "$out/mixed-hostile.server.log" || true)
echo "blocked-thread warnings in the server logs: alone $logged_alone, mixed $logged_mixed (delta $((logged_mixed - logged_alone)))"
echo "OutOfMemoryError lines in the mixed server's log: $oom; /health/live after the mixed run: $alive"
failed=()
[[ $status -eq 0 ]] || failed+=("mixed-check (see FAIL lines above)")
[[ $logged_mixed -eq 0 ]] || failed+=("event-loop blocked warnings in the mixed server's log")
[[ $oom -eq 0 ]] || failed+=("OutOfMemoryError in the mixed server's log")
[[ $alive == yes ]] || failed+=("the server no longer answered /health/live after the mixed run")
if [[ ${#failed[@]} -gt 0 ]]; then
  printf 'MIXED RUN FAILED: %s\n' "${failed[@]}"
  exit 1
fi
echo "MIXED RUN PASSED"
