package dev.quill.model.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How fast PyTorch (through DJL, on the run's threads) streams weights in the products a decode
 * step is made of: a few rows (one per sequence in the batch) times a matrix. Many distinct
 * matrices, together far larger than the caches, like a model's weights; W stored both ways, so
 * that the figures can be held against the memory bandwidth measured with a plain sum.
 */
final class RowProducts {

    private static final int MATRICES = 48;
    private static final int OUT = 3072;
    private static final int IN = 768;
    private static final int[] ROWS = {1, 2, 4, 8, 16};

    private RowProducts() {
    }

    /** GB/s of weights read, by case: N rows times W (out, in), then times A (in, out), for N = 1, 2, 4, 8, 16. */
    static Map<String, Stats> measure(NDManager parent, int reps) {
        try (NDManager m = parent.newSubManager()) {
            NDArray[] outIn = new NDArray[MATRICES];
            NDArray[] inOut = new NDArray[MATRICES];
            for (int i = 0; i < MATRICES; i++) {
                outIn[i] = m.randomNormal(0, 1, new Shape(OUT, IN), DataType.FLOAT32);
                inOut[i] = m.randomNormal(0, 1, new Shape(IN, OUT), DataType.FLOAT32);
            }
            Map<String, Stats> out = new LinkedHashMap<>();
            for (int rows : ROWS) {
                NDArray x = m.randomNormal(0, 1, new Shape(rows, IN), DataType.FLOAT32);
                out.put(rows + (rows == 1 ? " row" : " rows") + ", W (out, in)", time(reps, () -> {
                    for (NDArray w : outIn) {
                        Linear.linear(x, w).head().close();              // x W^T
                    }
                }));
            }
            for (int rows : ROWS) {
                NDArray x = m.randomNormal(0, 1, new Shape(rows, IN), DataType.FLOAT32);
                out.put(rows + (rows == 1 ? " row" : " rows") + ", A (in, out)", time(reps, () -> {
                    for (NDArray a : inOut) {
                        x.matMul(a).close();                             // x A
                    }
                }));
            }
            return out;
        }
    }

    private static Stats time(int reps, Runnable pass) {
        long bytes = (long) MATRICES * OUT * IN * Float.BYTES;
        pass.run(); // warm-up
        double[] gbs = new double[reps];
        for (int r = 0; r < reps; r++) {
            long t0 = System.nanoTime();
            pass.run();
            gbs[r] = bytes / (double) (System.nanoTime() - t0);
        }
        return Stats.of(gbs);
    }

    static String shape() {
        return MATRICES + " matrices of " + OUT + "x" + IN + " fp32 ("
                + (long) MATRICES * OUT * IN * Float.BYTES / (1 << 20) + " MiB)";
    }
}
