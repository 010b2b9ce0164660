package dev.quill.model.cli;

import com.sun.jna.NativeLibrary;

/**
 * PyTorch's thread pools, fixed before the engine starts (DJL reads these properties once).
 *
 * <p>Default: one intra-op thread. On a 2-core machine a second thread helps a one-row product only
 * on MKL's Intel code path (on its generic path MKL's kernel does not scale; MklCodePath), and only
 * while nothing else runs: PyTorch's OpenMP (libgomp) workers spin-wait at every parallel region,
 * and when another process takes a core each region waits for a descheduled worker. On a shared
 * 2-core machine 2 threads with libgomp's default wait policy took minutes for what 1 thread did in
 * seconds, while with {@code OMP_WAIT_POLICY=PASSIVE} 2 threads ran as fast as 1
 * (docs/BENCHMARKS.md, "Decode step speed"). So with more than one thread, and unless the user set
 * {@code OMP_WAIT_POLICY} or {@code GOMP_SPINCOUNT}, workers sleep instead of spinning.
 */
public final class TorchThreads {

    public static final int DEFAULT_INTRA_OP = 1;
    public static final int DEFAULT_INTER_OP = 1;

    private TorchThreads() {
    }

    /** Sets the pools unless the user already set the DJL properties; call before the engine loads. */
    public static void configure(Integer intraOp, Integer interOp) {
        set("ai.djl.pytorch.num_threads", intraOp, DEFAULT_INTRA_OP);
        set("ai.djl.pytorch.num_interop_threads", interOp, DEFAULT_INTER_OP);
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        if (Integer.parseInt(System.getProperty("ai.djl.pytorch.num_threads")) > 1) {
            passiveWorkersUnlessSet();
        }
    }

    /**
     * libgomp reads its environment once, when PyTorch loads it, so this must run first. Java cannot
     * set its own environment; libc's setenv can (called once, at start-up, before other native
     * threads read the environment). Best effort: without it the workers only spin.
     */
    static void passiveWorkersUnlessSet() {
        if (System.getenv("OMP_WAIT_POLICY") != null || System.getenv("GOMP_SPINCOUNT") != null) {
            return;
        }
        try {
            NativeLibrary.getInstance("c").getFunction("setenv").invokeInt(new Object[] {"OMP_WAIT_POLICY", "PASSIVE", 0});
        } catch (RuntimeException | LinkageError e) {
            System.err.println("threads: could not set OMP_WAIT_POLICY=PASSIVE, OpenMP workers will spin: " + e);
        }
    }

    private static void set(String property, Integer value, int def) {
        if (value != null) {
            if (value <= 0) {
                throw new IllegalArgumentException("thread counts must be positive, got " + value);
            }
            System.setProperty(property, value.toString());
        } else if (System.getProperty(property) == null) {
            System.setProperty(property, Integer.toString(def));
        }
    }
}
