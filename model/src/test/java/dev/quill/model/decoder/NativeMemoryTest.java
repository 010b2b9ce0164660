package dev.quill.model.decoder;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDManager;
import dev.quill.model.testing.Dtype;
import dev.quill.model.testing.Family;
import dev.quill.model.testing.TinyModelFixture;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Forward passes leave no NDArray behind: the decoder's managers hold as many as after loading. */
class NativeMemoryTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(value = Family.class, names = {"GPT2", "QWEN2"})
    void passesLeaveTheLiveArrayCountAtItsBaseline(Family family) throws Exception {
        TinyModelFixture.write(dir, family, Dtype.BF16, false, 71);
        try (Decoder decoder = DecoderLoader.load(dir, DecoderOptions.cpu(3, 0))) {
            long baseline = liveResources(decoder.manager());
            for (int i = 0; i < 200; i++) {
                decoder.forward(List.of(new SequenceChunk(i % 3, 0, new int[] {1, 2, 3, i % 50}),
                        new SequenceChunk((i + 1) % 3, 0, new int[] {7})));
            }
            assertThat(liveResources(decoder.manager())).isEqualTo(baseline);
            assertThat(baseline).isGreaterThan(10); // it does count the weights
        }
    }

    /** Arrays and sub-managers under {@code m}, recursively (DJL keeps them in a protected map). */
    static long liveResources(NDManager m) throws ReflectiveOperationException {
        Field f = BaseNDManager.class.getDeclaredField("resources");
        f.setAccessible(true);
        Map<?, ?> resources = (Map<?, ?>) f.get(m);
        long n = resources.size();
        for (Object r : resources.values()) {
            if (r instanceof NDManager sub) {
                n += liveResources(sub);
            }
        }
        return n;
    }
}
