#!/usr/bin/env bash
# Issue 16's acceptance run (docs/DEPLOY.md, "Figures"): Quill replicas behind HAProxy, sharing one
# Redis, all real processes on loopback, driven by `loadtest` with multi-turn sessions over /ws.
#
#   bench/cluster.sh                         # the five runs below
#   SESSIONS=48 TURNS=4 DURATION=40 RUNS="single cluster" bench/cluster.sh
#
# Runs (each with fresh replicas, so no run inherits another's prefix cache):
#   single   one replica, reached directly, all the sessions: the throughput to compare with
#   share    one replica, reached directly, a replica's share of the sessions (sessions / replicas):
#            the prefix-cache reuse each replica of the cluster should match
#   cluster  three replicas behind HAProxy (deploy/haproxy.cfg, addresses rewritten to loopback)
#   pinned   the same, each replica confined to a fixed share of the cores (taskset)
#   kill     the same as cluster, and one replica SIGKILLed half-way: its sessions go on elsewhere;
#            --verify-history reads every conversation back and holds it against what was sent and received
# Results: $OUT/cluster-<run>.json (loadtest's result: "replicas" holds the affinity counts) and a
# summary line per run; the processes' logs stay in a temporary folder, named at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${RUNS:-"single share cluster pinned kill"}
sessions=${SESSIONS:-48}
turns=${TURNS:-4}
duration=${DURATION:-40}
warmup=${WARMUP:-5}
replicas=${REPLICAS:-3}
slots=${SLOTS:-24}                 # engine.slots of each replica: at least its share of the sessions, or prefixes are evicted
base=${BASE_PORT:-18080}             # HAProxy; replicas on base+1.., Redis on base+100
out=${OUT:-docs/loadtest}
jar=server/target/quill-server.jar
logs=$(mktemp -d /tmp/quill-cluster.XXXXXX)
mkdir -p "$out"
for tool in redis-server haproxy curl python3; do
  command -v $tool > /dev/null || { echo "bench/cluster.sh needs $tool (apt-get install -y redis-server haproxy curl python3)"; exit 1; }
done
[[ -f $jar ]] || ./mvnw -q -B -pl server -am package -DskipTests

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

await_ready() { # port, pid, log
  for _ in $(seq 1 180); do
    curl -sf "http://127.0.0.1:$1/health/ready" > /dev/null && return 0
    kill -0 "$2" 2>/dev/null || { echo "exited before it was ready: $3"; tail -20 "$3"; exit 1; }
    sleep 1
  done
  echo "not ready after 180 s: $3"; exit 1
}

start_redis() {
  redis-server --port $((base + 100)) --bind 127.0.0.1 --save "" --appendonly no --daemonize no > "$logs/redis.log" 2>&1 &
  pids+=($!)
  until redis-cli -p $((base + 100)) ping > /dev/null 2>&1; do sleep 0.2; done
}

replica_pids=()
start_replicas() { # count, pin (yes/no)
  replica_pids=()
  local cores; cores=$(nproc)
  for i in $(seq 1 "$1"); do
    local pin=""
    [[ $2 == yes ]] && pin="taskset -c $(( (i - 1) % cores ))"
    $pin java -Xms512m -Xmx512m -XX:+AlwaysPreTouch -jar $jar serve --port $((base + i)) \
        --store.redis "redis://127.0.0.1:$((base + 100))" --server.replica_id "quill-$i" \
        --engine.slots "$slots" --engine.max_waiting 256 --server.shutdown_grace_seconds 5 > "$logs/$run.quill-$i.log" 2>&1 &
    replica_pids+=($!); pids+=($!)
  done
  for i in $(seq 1 "$1"); do await_ready $((base + i)) "${replica_pids[$((i - 1))]}" "$logs/$run.quill-$i.log"; done
}

start_haproxy() { # the deploy/ file itself, with loopback addresses and only the replicas started
  python3 - deploy/haproxy.cfg "$logs/haproxy.cfg" "$base" "$replicas" << 'PY'
import re, sys
src, dst, base, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
cfg = open(src).read().replace("bind :8080", f"bind 127.0.0.1:{base}")
def server(m):
    i = int(m[1])
    return f"server quill-{i} 127.0.0.1:{base + i} check" if i <= n else ""
open(dst, "w").write(re.sub(r"server quill-(\d+) quill-\d+:8080 check", server, cfg))
PY
  haproxy -c -f "$logs/haproxy.cfg" > /dev/null
  haproxy -f "$logs/haproxy.cfg" > "$logs/haproxy.log" 2>&1 &
  pids+=($!)
  await_ready "$base" $! "$logs/haproxy.log"
}

loadtest() { # url, name, extra flags...
  local url=$1 name=$2; shift 2
  local n=$sessions
  [[ $name == share ]] && n=$(( (sessions + replicas - 1) / replicas ))
  java -jar $jar loadtest --url "$url" --protocol ws --sessions "$n" --turns "$turns" \
      --duration "$duration" --warmup "$warmup" --grace 60 \
      --prompt-tokens uniform:8..24 --max-tokens uniform:16..32 --seed 0 --no-metrics \
      --out "$out/cluster-$name.json" "$@" > "$logs/$name.loadtest.txt" 2>&1
}

summary() { # name
  python3 - "$out/cluster-$1.json" "$1" << 'PY'
import json, sys
r = json.load(open(sys.argv[1])); name = sys.argv[2]
inp, cached = r["total_input_tokens"], r["total_cached_tokens"]
rep = r.get("replicas") or {}
line = (f"{name:8s} completed {r['completed']:5d}  failed {r['failed']:3d}  output {r['output_throughput']:7.1f} tok/s"
        f"  requests {r['request_throughput']:5.2f}/s  cached/input {cached}/{inp} = {100 * cached / max(inp, 1):5.1f} %"
        f"  median TTFT {r['median_ttft_ms']:7.1f} ms")
if rep:
    line += (f"  affinity {rep['same_replica_turns']}/{rep['follow_up_turns']} = {100 * (rep['affinity'] or 0):6.2f} %"
             f"  moved {rep['moved_conversations']}  by replica {rep['turns_by_replica']}")
def share(idx):
    inp = sum(r["input_lens"][i] for i in idx); c = sum(r["cached_lens"][i] for i in idx)
    return f"{c}/{inp} = {100 * c / max(inp, 1):.1f} %"
ok = [i for i in range(len(r["turns"])) if r["errors"][i] == ""]
line += f"  follow-up turns cached/input {share([i for i in ok if r['turns'][i] >= 1])}"
turns_of = {}
for i in ok:
    turns_of.setdefault(r["conversations"][i], []).append(i)
moved = [b for idx in turns_of.values() for a, b in zip(sorted(idx, key=lambda i: r["turns"][i]), sorted(idx, key=lambda i: r["turns"][i])[1:])
         if r["served_by"][a] != r["served_by"][b]]
if moved:
    line += f"  first turns on a new replica: {len(moved)}, cached/input {share(moved)}"
if "history_checked" in r:
    line += f"  history: {r['history_checked']} checked, {r['history_mismatches']} mismatched, {r['history_unreadable']} unreadable"
if r.get("errors_by_code"):
    line += f"  errors {r['errors_by_code']}"
print(line)
PY
}

echo "### bench/cluster.sh — $(date -Is), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "### $sessions sessions x $turns turns, $duration s (+$warmup s warm-up), replicas $replicas x $slots slots, logs in $logs"
for run in $runs; do
  start_redis
  case $run in
    single|share)
      start_replicas 1 no
      loadtest "http://127.0.0.1:$((base + 1))" "$run" ;;
    cluster|pinned)
      start_replicas "$replicas" "$([[ $run == pinned ]] && echo yes || echo no)"
      start_haproxy
      loadtest "http://127.0.0.1:$base" "$run" ;;
    kill)
      start_replicas "$replicas" no
      start_haproxy
      loadtest "http://127.0.0.1:$base" kill --verify-history &
      driver=$!
      sleep $((warmup + duration / 2))
      echo "### kill: SIGKILL quill-2 (pid ${replica_pids[1]}) at $(date -Is)"
      kill -9 "${replica_pids[1]}"
      wait $driver ;;
    *) echo "unknown run $run"; exit 1 ;;
  esac
  summary "$run"
  cleanup; pids=()
done
echo "### logs: $logs"
