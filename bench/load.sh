#!/usr/bin/env bash
# The published load runs (docs/BENCHMARKS.md, "Serving under load"): Quill serving a GPT-2-small-shaped
# random model, driven by Quill's own load tester at several session counts over WebSocket and SSE.
#
#   bench/load.sh                           # sessions 1 16 64 256, protocols ws sse
#   SESSIONS="256" PROTOCOLS="ws" bench/load.sh
#   SESSIONS="256" PROTOCOLS="ws" TURNS=1 bench/load.sh   # one-turn conversations: lengths that do not grow
#   SESSIONS="256" PROTOCOLS="ws" LONG_DURATION=1800 NAME=soak bench/load.sh   # a 30-minute soak
#   SERVER_JVM="-Xms1g -Xmx1g -XX:+AlwaysPreTouch -XX:TrimNativeHeapInterval=5000" NAME=trim bench/load.sh
#
# One server per run, started fresh, so that the runs do not share a prefix cache or a heap. Results go
# to docs/loadtest/ (JSON result, HTML report, the server's log); the script prints how many blocked-
# event-loop warnings the server logged. Lengths keep 4 turns of history inside the model's 1024 positions.
set -euo pipefail
cd "$(dirname "$0")/.."

sessions=${SESSIONS:-"1 16 64 256"}
protocols=${PROTOCOLS:-"ws sse"}
port=${PORT:-8089}
out=docs/loadtest
mkdir -p "$out"
model=model/target/bench-models/gpt2-124m-chat

./mvnw -q -B -DskipTests install
if [[ ! -f "$model/tokenizer.json" ]]; then
  ./mvnw -q -B -pl model exec:java -Dexec.classpathScope=test -Dexec.mainClass=dev.quill.model.bench.LoadTestModel
fi

duration_for() { # the 256-session run lasts long enough to hold its first minute against its last
  if [[ $1 -ge 256 ]]; then echo "${LONG_DURATION:-240}"; else echo "${DURATION:-90}"; fi
}

for n in $sessions; do
  for proto in $protocols; do
    turns=${TURNS:-4}
    name="quill-$n-$proto${TURNS:+-${TURNS}turn}${NAME:+-$NAME}"
    log="$out/$name.server.log"
    # A fixed, pre-touched heap, as README.md advises for serving: G1 otherwise grows its committed heap
    # under allocation pressure for minutes, which shows as RSS growth that is not a leak.
    java ${SERVER_JVM:--Xms1g -Xmx1g -XX:+AlwaysPreTouch} -jar server/target/quill-server.jar serve --model "$model" --port "$port" \
        --engine.slots 64 --engine.max_waiting 256 > "$log" 2>&1 &
    server=$!
    trap 'kill $server 2>/dev/null || true' EXIT
    until curl -sf "http://127.0.0.1:$port/health/ready" > /dev/null; do
      kill -0 $server 2>/dev/null || { echo "server died: $log"; exit 1; }
      sleep 1
    done
    echo "### $name — $(date -Is), load average $(cut -d' ' -f1-3 /proc/loadavg)"
    # The heap's live set, one minute into the measured window and at its end. /metrics' heap after the
    # latest GC counts the garbage G1 has promoted and not yet marked; a class histogram runs a full
    # collection first, so its total is live objects only (it pauses the server for well under a second).
    ( sleep 80; jcmd $server GC.class_histogram | tail -1 | sed 's/^/live heap, first minute: /'
      sleep $(( $(duration_for "$n") - 60 )); jcmd $server GC.class_histogram | tail -1 | sed 's/^/live heap, end of sending: /'
    ) > "$out/$name.live-heap.txt" 2>&1 &
    probes=$!
    java -jar server/target/quill-server.jar loadtest --url "http://127.0.0.1:$port" --protocol "$proto" \
        --sessions "$n" --turns "$turns" --duration "$(duration_for "$n")" --warmup 20 --grace 300 \
        --prompt-tokens uniform:16..48 --max-tokens uniform:32..96 --seed 0 \
        --out "$out/$name.json" --report "$out/$name.html"
    kill $probes 2>/dev/null || true
    kill $server
    wait $server 2>/dev/null || true
    cat "$out/$name.live-heap.txt"
    trap - EXIT
    echo "### $name: blocked-thread warnings in the server log: $(grep -c 'has been blocked' "$log" || true)"
  done
done
