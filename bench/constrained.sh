#!/usr/bin/env bash
# Constrained decoding under load (docs/BENCHMARKS.md, "Constrained decoding cost"): the same 16-session
# SSE run twice on the GPT-2-small-shaped random model, once with free-text requests only and once with
# half the requests asking for JSON (loadtest --json-share 0.5: response_format json_schema). Each run
# gets a fresh server, so they share no prefix cache; the prompts, lengths and arrivals are the same.
#
#   bench/constrained.sh
#   DURATION=120 SESSIONS=16 bench/constrained.sh
#   TURNS=2 PROMPT=16..32 MAX_TOKENS=24..48 WARMUP=10 GRACE=120 DURATION=60 bench/constrained.sh   # shorter
#
# Needs server/target/quill-server.jar (./mvnw -q -B -pl server -am package -DskipTests) and the
# load-test model (bench/load.sh writes it). Results: docs/loadtest/quill-<n>-sse-json{0,50}.*
set -euo pipefail
cd "$(dirname "$0")/.."
n=${SESSIONS:-16}
port=${PORT:-8089}
out=docs/loadtest
mkdir -p "$out"
model=model/target/bench-models/gpt2-124m-chat
if [[ ! -f "$model/tokenizer.json" ]]; then
  ./mvnw -q -B -pl model test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=dev.quill.model.bench.LoadTestModel
fi
for share in 0 0.5; do
  name="quill-$n-sse-json$(awk "BEGIN { print int($share * 100) }")"
  log="$out/$name.server.log"
  java -Xms1g -Xmx1g -XX:+AlwaysPreTouch -jar server/target/quill-server.jar serve --model "$model" --port "$port" \
      --engine.slots 64 --engine.max_waiting 256 > "$log" 2>&1 &
  server=$!
  trap 'kill $server 2>/dev/null || true' EXIT
  until curl -sf "http://127.0.0.1:$port/health/ready" > /dev/null; do
    kill -0 $server 2>/dev/null || { echo "server died: $log"; exit 1; }
    sleep 1
  done
  echo "### $name — $(date -Is), load average $(cut -d' ' -f1-3 /proc/loadavg)"
  java -jar server/target/quill-server.jar loadtest --url "http://127.0.0.1:$port" --protocol sse \
      --sessions "$n" --turns "${TURNS:-4}" --duration "${DURATION:-90}" --warmup "${WARMUP:-20}" --grace "${GRACE:-300}" \
      --prompt-tokens "uniform:${PROMPT:-16..48}" --max-tokens "uniform:${MAX_TOKENS:-32..96}" --seed 0 --json-share "$share" \
      --out "$out/$name.json" --report "$out/$name.html"
  kill $server
  wait $server 2>/dev/null || true
  echo "blocked-event-loop warnings: $(grep -c 'has been blocked' "$log" || true)"
done
