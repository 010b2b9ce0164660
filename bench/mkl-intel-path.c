/*
 * An experiment, not part of Quill: preloaded (LD_PRELOAD) into a JVM running PyTorch, this makes the
 * MKL inside libtorch_cpu.so take the code paths it reserves for Intel CPUs. MKL asks these two
 * functions whether the CPU is an Intel one and, on AMD, otherwise falls back to a generic path that
 * reads weights in a one-row product at about half the memory bandwidth. They are exported by
 * libtorch_cpu.so and called through its PLT, so a preloaded definition wins.
 *
 * Used only by bench/decoder.sh (MKL_INTEL_PATH=1) to measure that cost: docs/BENCHMARKS.md.
 * Whether MKL's Intel paths are correct on a given AMD CPU is not something Intel promises.
 */
int mkl_serv_intel_cpu_true(void) { return 1; }
int mkl_serv_intel_cpu(void) { return 1; }
