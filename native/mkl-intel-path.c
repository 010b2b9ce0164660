/*
 * Not needed any more: Quill loads the same two functions itself, before PyTorch, on AMD CPUs with
 * AVX2 and FMA (model/.../cli/MklCodePath.java writes them as a tiny ELF object, IntelCpuObject.java,
 * and loads it with RTLD_GLOBAL; QUILL_MKL_INTEL_PATH=off turns that off). Kept as the readable
 * source of what that object does, and for other programs that embed PyTorch's MKL.
 *
 * Preloaded into a process (LD_PRELOAD), this makes the MKL inside PyTorch's
 * libtorch_cpu.so take the code paths it keeps for Intel CPUs. MKL asks these two functions whether
 * the CPU is an Intel one; on AMD it otherwise falls back to a generic path that reads weights in a
 * one-row product at about half the memory bandwidth, and slower still with a few rows (batched
 * decode). They are exported by libtorch_cpu.so and called through its PLT, so a preloaded
 * definition wins.
 *
 *   cc -shared -fPIC -O2 -o libmkl-intel-path.so native/mkl-intel-path.c
 *   LD_PRELOAD=$PWD/libmkl-intel-path.so java -jar server/target/quill-server.jar serve
 *
 * docs/BENCHMARKS.md measures what it changes; the decoder tests pass under it (README.md, "AMD
 * CPUs"). Intel does not promise that its Intel paths are correct on other vendors' CPUs: they use
 * only the instruction sets the CPU reports (AVX2, FMA, AVX-512), which is why it works.
 */
int mkl_serv_intel_cpu_true(void) { return 1; }
int mkl_serv_intel_cpu(void) { return 1; }
