package dev.quill.model.cli;

/**
 * PyTorch's thread pools, fixed before the engine starts (DJL reads these properties once).
 *
 * <p>Default: one intra-op thread. On a 2-core machine two threads are faster only while nothing
 * else runs: PyTorch's OpenMP workers spin-wait, and when another process takes a core a decode
 * step was seen to go from 32 ms to 308 ms. docs/BENCHMARKS.md has the measurements.
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
