#!/usr/bin/env bash
# Issue 13's side-by-side tables (docs/BENCHMARKS.md, "Side by side with llama.cpp (issue 13)"), for Quill,
# on the shape issue 13 measured llama.cpp on: a Llama-shaped random fp32 model of 134M parameters
# (12 layers, 768 wide, 12 heads, vocab 32000; BenchModel llama-134m, with LoadTestModel's tokenizer).
#   1. memory read bandwidth and batch-1 decode on 1 and 2 threads, against the roofline = bandwidth /
#      bytes of weights read per token (DecoderBenchmark, one JVM per thread count)
#   2. the server with 1, 8 and 16 streaming clients, 128-token greedy answers (`loadtest`, SSE)
#   3. 16 multi-turn chat sessions over SSE and WebSocket (4 turns, 16-48-word prompts, 32-96-token
#      answers), each on a fresh server whose /metrics gives the prefix reuse
# then writes the tables, with the CPU model and flags, into docs/BENCHMARKS.md (`loadtest --versus-report`).
# llama.cpp's figures in them are issue 13's, measured on another machine; this script never runs it.
#
#   bench/versus.sh                                  # about 15 minutes on an idle 2-core machine (estimated)
#   QUICK=1 bench/versus.sh                          # about 7 (estimated): shorter runs, the server on 1 thread
#   SERVER_THREADS=1 CLIENTS="1 16" PROTOCOLS=ws bench/versus.sh
#   NOTE="an idle machine" bench/versus.sh           # a line in the doc about the conditions
#   SKIP_BUILD=1 bench/versus.sh                     # the jar and the test classes are built already
#   CLIENT_MAX_TOKENS=32 CHAT_MAX_TOKENS=uniform:8..24 WARMUP=0 bench/versus.sh   # a machine too busy for issue 13's lengths
# A run replaces the results of the thread counts it runs and keeps the others in the folder (and tables).
#
# Results: docs/loadtest/versus/ (the decoder benchmark's output, loadtest's JSON, each chat server's
# /metrics at the end of its run, machine.txt); the servers' logs in a temporary folder named at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

quick=${QUICK:-}
decode_threads=${DECODE_THREADS-"1 2"}   # DECODE_THREADS= skips the decode runs
server_threads=${SERVER_THREADS:-$([[ -n $quick ]] && echo 1 || echo "1 2")}
clients=${CLIENTS:-"1 8 16"}
protocols=${PROTOCOLS:-"sse ws"}
clients_duration=${CLIENTS_DURATION:-$([[ -n $quick ]] && echo 20 || echo 30)}
chat_duration=${CHAT_DURATION:-$([[ -n $quick ]] && echo 30 || echo 60)}
warmup=${WARMUP:-8}
grace=${GRACE:-120}
client_prompt=${CLIENT_PROMPT_TOKENS:-32}
client_answer=${CLIENT_MAX_TOKENS:-128}            # issue 13's: 128-token greedy answers
chat_prompt=${CHAT_PROMPT_TOKENS:-uniform:16..48}  # issue 13's chat: 16-48-word prompts,
chat_answer=${CHAT_MAX_TOKENS:-uniform:32..96}     # 32-96-token answers
port=${PORT:-8093}
out=${OUT:-docs/loadtest/versus}
doc=${DOC:-docs/BENCHMARKS.md}
model_id=llama-134m
model=model/target/bench-models/$model_id-chat
jar=server/target/quill-server.jar
logs=$(mktemp -d /tmp/quill-versus.XXXXXX)
mkdir -p "$out"
for t in $decode_threads; do rm -f "$out/decode-${t}t.txt"; done   # a partial rerun keeps the other results
for t in $server_threads; do   # only the client counts and protocols this run measures again
  for n in $clients; do rm -f "$out/clients-${t}t-${n}.json"; done
  for p in $protocols; do rm -f "$out/chat-${t}t-${p}".*; done
done

if [[ -z "${SKIP_BUILD:-}" ]]; then
  ./mvnw -B -q package -DskipTests
  ./mvnw -B -q -pl model test-compile
fi
{
  echo "date: $(date -Is)"
  echo "command: bench/versus.sh$(for v in QUICK DECODE_THREADS SERVER_THREADS CLIENTS PROTOCOLS CLIENTS_DURATION CHAT_DURATION WARMUP GRACE \
      CLIENT_PROMPT_TOKENS CLIENT_MAX_TOKENS CHAT_PROMPT_TOKENS CHAT_MAX_TOKENS; do
      [[ -n "${!v:-}" ]] && printf ' %s=%q' "$v" "${!v}"; done)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs)"
  echo "cores: $(nproc)"
  echo "flags: $(grep -m1 '^flags' /proc/cpuinfo | cut -d: -f2- | xargs)"
  echo "load_before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "model: $model_id, a Llama-shaped random fp32 model (12 layers, 768 wide, 12 heads, SwiGLU 2048, vocab 32000, 134.1M parameters)"
  [[ -n "${NOTE:-}" ]] && echo "note: $NOTE"
} > "$out/machine.txt"

exec_model() { # main class, args: the model module's test classes (benchmarks, model writers), on the jar's libraries
  # shellcheck disable=SC2086 # the arguments are words
  java ${BENCH_JVM:--Xmx3g} -Dorg.slf4j.simpleLogger.defaultLogLevel=error -cp "$jar:model/target/test-classes" \
      "dev.quill.model.bench.$1" $2
}

echo "### the model: $model — $(date -Is)"
[[ -f "$model/tokenizer.json" ]] || exec_model LoadTestModel "$model $model_id"

for t in $decode_threads; do
  echo "### batch-1 decode and bandwidth, $t thread(s) — $(date -Is), load $(cut -d' ' -f1-3 /proc/loadavg)"
  exec_model DecoderBenchmark "--threads $t --models $model_id --skip-recompute --prompt-tokens 64 --decode-tokens 128 --repeats 3" \
      2>&1 | tee "$out/decode-${t}t.txt" | grep -E '^summary|roofline:' || echo "the decoder benchmark on $t thread(s) failed: $out/decode-${t}t.txt"
done

server=
stop_server() {
  if [[ -n "$server" ]]; then
    kill "$server" 2>/dev/null || true
    for _ in $(seq 60); do kill -0 "$server" 2>/dev/null || break; sleep 1; done
    kill -9 "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  server=
}
trap stop_server EXIT

start_server() { # threads, log. 16 slots: every client decodes at once; 1,536 positions hold 4 turns.
  java ${SERVER_JVM:--Xms1g -Xmx1g -XX:+AlwaysPreTouch} -jar "$jar" serve --model "$model" --port "$port" \
      --model.threads "$1" --model.interop_threads 1 --engine.slots 16 --engine.max_length 1536 \
      --engine.max_waiting 256 > "$2" 2>&1 &
  server=$!
  until curl -sf "http://127.0.0.1:$port/health/ready" > /dev/null; do
    kill -0 "$server" 2>/dev/null || { echo "the server died at start: $2"; tail -20 "$2"; exit 2; }
    sleep 1
  done
}

loadtest() { # name, args...
  local name=$1
  shift
  java -jar "$jar" loadtest --url "http://127.0.0.1:$port" --warmup "$warmup" --grace "$grace" --temperature 0 \
      --out "$out/$name.json" "$@" 2> "$logs/$name.loadtest.txt" | grep -E '^(Successful|Failed) requests|^Output token throughput|^Median (TTFT|TPOT)' || true
}

for t in $server_threads; do
  echo "### the server on $t thread(s): 1, 8, 16 streaming clients — $(date -Is), load $(cut -d' ' -f1-3 /proc/loadavg)"
  start_server "$t" "$logs/clients-${t}t.server.log"
  for n in $clients; do
    echo "## $n client(s)"
    # a seed per run: no run finds another's prompts in the prefix cache
    loadtest "clients-${t}t-$n" --protocol sse --sessions "$n" --turns 1 --duration "$clients_duration" \
        --prompt-tokens "$client_prompt" --max-tokens "$client_answer" --seed "$n"
  done
  stop_server
  for p in $protocols; do
    echo "### 16 chat sessions over $p, server on $t thread(s) — $(date -Is), load $(cut -d' ' -f1-3 /proc/loadavg)"
    start_server "$t" "$logs/chat-${t}t-$p.server.log"
    loadtest "chat-${t}t-$p" --protocol "$p" --sessions 16 --turns 4 --duration "$chat_duration" \
        --prompt-tokens "$chat_prompt" --max-tokens "$chat_answer" --seed 0
    curl -sf "http://127.0.0.1:$port/metrics" > "$out/chat-${t}t-$p.metrics.prom" || echo "no /metrics after chat-${t}t-$p"
    stop_server
  done
done

echo "load_after: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/machine.txt"
java -jar "$jar" loadtest --versus-report "$out" --doc "$doc" > /dev/null
echo "### tables written into $doc; results in $out; logs in $logs"
