#!/usr/bin/env bash
# The decoder benchmark (model/src/test/java/dev/quill/model/bench/DecoderBenchmark.java), once per
# PyTorch thread setting, each in its own JVM: PyTorch fixes its thread pools when the engine starts.
#
#   bench/decoder.sh                        # every setting, all three models
#   bench/decoder.sh --models gpt2-124m     # extra arguments go to every run (see --help)
#   SETTINGS="1 2" bench/decoder.sh         # only some settings
#   AB=1 bench/decoder.sh                   # A/B of start-up settings in alternating JVMs (DecodeSpeed, below)
#
# Settings: 1 and 2 intra-op threads on an otherwise idle machine, then 1 and 2 threads while another
# process (yes > /dev/null) keeps one core busy, as a server's own event loop or a neighbour would.
# The busy runs skip the slow cache-versus-recomputation part and repeat twice. Logs: model/target/bench/.
#
# On an AMD CPU with AVX2/FMA every run takes MKL's Intel code path, as serve does (MklCodePath);
# QUILL_MKL_INTEL_PATH=off in the environment runs MKL's generic path instead.
#
# AB=1: batch-1 decode against the roofline measured around it (DecodeSpeed), one JVM per variant, the
# variants alternating for ROUNDS rounds (default 3) so each meets the same background load. A variant
# is MKL:THREADS[:ENV=VALUE,...], MKL on or off; default VARIANTS="on:1 off:1 on:2 off:2". E.g.
#   AB=1 VARIANTS="on:2 on:2:OMP_WAIT_POLICY=PASSIVE" MODELS=gpt2-124m TOKENS=64 ROUNDS=2 bench/decoder.sh
set -euo pipefail
cd "$(dirname "$0")/.."

settings=${SETTINGS:-"1 2 1busy 2busy"}
out=model/target/bench
mkdir -p "$out"
log="$out/decoder-$(date +%Y%m%d-%H%M%S).log"
export MAVEN_OPTS=${MAVEN_OPTS:--Xmx3g}

./mvnw -q -B -pl model test-compile

if [[ "${AB:-0}" == 1 ]]; then
  log="$out/decode-ab-$(date +%Y%m%d-%H%M%S).log"
  for round in $(seq "${ROUNDS:-3}"); do
    for v in ${VARIANTS:-on:1 off:1 on:2 off:2}; do
      IFS=: read -r mkl threads envs <<< "$v"
      echo "### round $round, $v — $(date -Is)" >> "$log"
      env ${envs//,/ } QUILL_MKL_INTEL_PATH="$mkl" ./mvnw -q -B -pl model exec:java -Dexec.classpathScope=test \
          -Dexec.mainClass=dev.quill.model.bench.DecodeSpeed -Dorg.slf4j.simpleLogger.defaultLogLevel=error \
          -Dexec.args="--threads $threads --models ${MODELS:-llama-135m} --tokens ${TOKENS:-128} --bandwidth-mib ${BANDWIDTH_MIB:-512} --label '$v'" 2>&1 | tee -a "$log" | grep decode-speed || true
    done
  done
  echo "log: $log"
  exit 0
fi

run() { # label, threads, extra args...
  local label=$1 threads=$2
  shift 2
  echo "### $label — $(date -Is), load average before: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$log"
  ./mvnw -q -B -pl model exec:java -Dexec.classpathScope=test \
      -Dexec.mainClass=dev.quill.model.bench.DecoderBenchmark \
      -Dorg.slf4j.simpleLogger.defaultLogLevel=error \
      -Dexec.args="--threads $threads --label '$label' $*" 2>&1 | tee -a "$log"
  echo "### load average after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$log"
}

for s in $settings; do
  threads=${s%busy}
  suffix=""; [[ "${QUILL_MKL_INTEL_PATH:-on}" == off ]] && suffix=", MKL generic path"
  if [[ "$s" == *busy ]]; then
    yes > /dev/null &
    busy=$!
    trap 'kill $busy 2>/dev/null || true' EXIT
    run "$threads thread(s), one core busy$suffix" "$threads" --skip-recompute --repeats 2 "$@"
    kill "$busy"
    wait "$busy" 2>/dev/null || true
    trap - EXIT
  else
    run "$threads thread(s)$suffix" "$threads" "$@"
  fi
done
echo "log: $log"
