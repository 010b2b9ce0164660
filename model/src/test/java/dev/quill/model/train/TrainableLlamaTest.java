package dev.quill.model.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

/** The training forward pass: packing keeps examples apart, and every weight gets a gradient. */
class TrainableLlamaTest {

    private static final ModelShape SHAPE = new ModelShape(40, 16, 2, 2, 32, 32);

    @Test
    void examplesPackedInOneRowComputeAsIfAlone() {
        int[] a = {3, 9, 4, 1, 5};
        int[] b = {2, 6, 5, 3, 5, 8, 9};
        int width = 14; // a, b, then two padding tokens
        long[] ids = new long[width];
        long[] positions = new long[width];
        int[] segments = new int[width];
        Arrays.fill(segments, -1);
        for (int i = 0; i < a.length; i++) {
            ids[i] = a[i];
            positions[i] = i;
            segments[i] = 0;
        }
        for (int i = 0; i < b.length; i++) {
            ids[a.length + i] = b[i];
            positions[a.length + i] = i;
            segments[a.length + i] = 1;
        }
        TokenBatch packed = new TokenBatch(1, width, ids, new long[width], new float[width], positions, segments);
        try (TrainableLlama model = TrainableLlama.initialize(SHAPE, 5, Device.cpu());
             NDManager m = NDManager.newBaseManager(); NDScope scope = new NDScope()) {
            float[] flat = model.logits(m, packed).toFloatArray();
            int v = SHAPE.vocabSize();
            float[][] aloneA = model.logits(a);
            float[][] aloneB = model.logits(b);
            for (int t = 0; t < a.length; t++) {
                assertClose(Arrays.copyOfRange(flat, t * v, (t + 1) * v), aloneA[t]);
            }
            for (int t = 0; t < b.length; t++) {
                int row = a.length + t;
                assertClose(Arrays.copyOfRange(flat, row * v, (row + 1) * v), aloneB[t]);
            }
        }
    }

    @Test
    void backwardReachesEveryWeight() {
        int n = 8;
        long[] ids = new long[n];
        long[] targets = new long[n];
        float[] weights = new float[n];
        long[] positions = new long[n];
        for (int i = 0; i < n; i++) {
            ids[i] = i + 1;
            targets[i] = i + 2;
            weights[i] = 1;
            positions[i] = i;
        }
        TokenBatch batch = new TokenBatch(1, n, ids, targets, weights, positions, new int[n]);
        try (TrainableLlama model = TrainableLlama.initialize(SHAPE, 6, Device.cpu());
             NDManager m = NDManager.newBaseManager()) {
            try (NDScope scope = new NDScope(); GradientCollector c = m.getEngine().newGradientCollector()) {
                NDArray loss = model.loss(m, batch, 0.1f);
                assertThat(loss.getFloat()).isCloseTo((float) Math.log(SHAPE.vocabSize()), org.assertj.core.data.Offset.offset(0.2f));
                c.backward(loss);
            }
            model.parameters().forEach((name, w) -> {
                try (NDArray g = w.getGradient()) {
                    assertThat(g.abs().sum().getFloat()).as(name).isGreaterThan(0f);
                }
            });
            assertThat(model.parameters()).hasSize(1 + 9 * SHAPE.layers() + 1);
            long count = model.parameters().values().stream().mapToLong(w -> w.getShape().size()).sum();
            assertThat(count).isEqualTo(SHAPE.parameterCount());
        }
    }

    private static void assertClose(float[] actual, float[] expected) {
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i]).isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-5f));
        }
    }
}
