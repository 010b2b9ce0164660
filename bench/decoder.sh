#!/usr/bin/env bash
# The decoder benchmark (model/src/test/java/dev/quill/model/bench/DecoderBenchmark.java), once per
# PyTorch thread setting, each in its own JVM: PyTorch fixes its thread pools when the engine starts.
#
#   bench/decoder.sh                        # every setting, all three models
#   bench/decoder.sh --models gpt2-124m     # extra arguments go to every run (see --help)
#   SETTINGS="1 2" bench/decoder.sh         # only some settings
#   MKL_INTEL_PATH=1 bench/decoder.sh       # experiment: MKL's Intel code path on this AMD CPU (see below)
#
# Settings: 1 and 2 intra-op threads on an otherwise idle machine, then 1 and 2 threads while another
# process (yes > /dev/null) keeps one core busy, as a server's own event loop or a neighbour would.
# The busy runs skip the slow cache-versus-recomputation part and repeat twice. Logs: model/target/bench/.
#
# MKL_INTEL_PATH=1 preloads native/mkl-intel-path.c, which makes MKL (inside PyTorch) take the code path
# it keeps for Intel CPUs. Not for production: it is how docs/BENCHMARKS.md measures what MKL's CPU
# check costs on AMD. It needs a C compiler.
set -euo pipefail
cd "$(dirname "$0")/.."

settings=${SETTINGS:-"1 2 1busy 2busy"}
out=model/target/bench
mkdir -p "$out"
log="$out/decoder-$(date +%Y%m%d-%H%M%S).log"
export MAVEN_OPTS=${MAVEN_OPTS:--Xmx3g}

preload=""
if [[ "${MKL_INTEL_PATH:-0}" == 1 ]]; then
  cc -shared -fPIC -O2 -o "$out/libmkl-intel-path.so" native/mkl-intel-path.c
  preload="$PWD/$out/libmkl-intel-path.so"
fi

./mvnw -q -B -pl model test-compile

run() { # label, threads, extra args...
  local label=$1 threads=$2
  shift 2
  echo "### $label — $(date -Is), load average before: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$log"
  LD_PRELOAD="$preload" ./mvnw -q -B -pl model exec:java -Dexec.classpathScope=test \
      -Dexec.mainClass=dev.quill.model.bench.DecoderBenchmark \
      -Dorg.slf4j.simpleLogger.defaultLogLevel=error \
      -Dexec.args="--threads $threads --label '$label' $*" 2>&1 | tee -a "$log"
  echo "### load average after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$log"
}

for s in $settings; do
  threads=${s%busy}
  suffix=${preload:+, MKL Intel path}
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
