package dev.quill.model.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import dev.quill.model.cli.MklCodePath;
import dev.quill.model.cli.TorchThreads;

/**
 * What 16-bit weights would buy on this CPU: rows times (in, out) matrices, as a decode step's
 * products are, in fp32 and in fp16, alternating, in GB/s of weights read. fp16 reads half the
 * bytes, so a step's products get faster only where its GB/s exceed half of fp32's. bf16 cannot be measured through DJL 0.35.1: every JNI call that takes a dtype maps DJL's
 * enum through a table that stops at COMPLEX64 and aborts the process for BFLOAT16
 * (docs/BENCHMARKS.md, "Decode step speed").
 *
 * <pre>
 * ./mvnw -q -B -pl model exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.quill.model.bench.HalfProducts -Dexec.args="1"
 * </pre>
 */
public final class HalfProducts {

    private static final int MATRICES = 24;
    private static final int IN = 768;
    private static final int OUT = 3072;

    public static void main(String[] argv) {
        TorchThreads.configure(argv.length > 0 ? Integer.parseInt(argv[0]) : null, 1);
        MklCodePath.install("cpu");
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray[] f32 = new NDArray[MATRICES];
            NDArray[] f16 = new NDArray[MATRICES];
            for (int i = 0; i < MATRICES; i++) {
                f32[i] = m.randomNormal(0, 0.05f, new Shape(IN, OUT), DataType.FLOAT32);
                f16[i] = f32[i].toType(DataType.FLOAT16, true);
            }
            for (int rows : new int[] {1, 8}) {
                NDArray x32 = m.randomNormal(0, 1, new Shape(rows, IN), DataType.FLOAT32);
                NDArray x16 = x32.toType(DataType.FLOAT16, true);
                double[] a = new double[5];
                double[] b = new double[5];
                for (int r = 0; r < 5; r++) { // alternating, so both meet the same background load
                    a[r] = pass(x32, f32);
                    b[r] = pass(x16, f16);
                }
                Stats s32 = Stats.of(a);
                Stats s16 = Stats.of(b);
                System.out.printf("half-products | %d thread(s) | %d row(s) | fp32 %s GB/s | fp16 %s GB/s | fp16 step time / fp32 %.2f | load %s%n",
                        JniUtils.getNumThreads(), rows, s32.describe("%.1f"), s16.describe("%.2f"),
                        (s32.median() / 2) / s16.median(), Machine.loadAverage());
            }
        }
    }

    /** GB/s of weights read by one row-block times every matrix. */
    private static double pass(NDArray x, NDArray[] weights) {
        long bytes = (long) MATRICES * IN * OUT * weights[0].getDataType().getNumOfBytes();
        x.matMul(weights[0]).close(); // warm
        long t0 = System.nanoTime();
        for (NDArray w : weights) {
            x.matMul(w).close();
        }
        return bytes / (double) (System.nanoTime() - t0);
    }
}
