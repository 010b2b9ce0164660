package dev.quill.server.toolcall;

import dev.quill.model.testing.Dtype;
import dev.quill.model.testing.Family;
import dev.quill.model.testing.ReferenceConfig;
import dev.quill.model.testing.TinyModelFixture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The server fixture's tiny random Qwen2 with a longer context: described tools make prompts of
 * a thousand tokens or more for its byte-sized vocabulary, past the default 256. Written where
 * {@code ServerFixture.start(dir, ...)} looks for its model, so the fixture serves this one.
 */
public final class LongContextModel {

    public static final int POSITIONS = 2048;

    private LongContextModel() {
    }

    public static void write(Path dir) throws IOException {
        Path modelDir = dir.resolve("tiny-qwen2");
        if (Files.exists(modelDir.resolve("config.json"))) {
            return;
        }
        ReferenceConfig c = TinyModelFixture.defaultConfig(Family.QWEN2);
        ReferenceConfig longer = new ReferenceConfig(c.family(), c.vocabSize(), c.hiddenSize(), c.numLayers(), c.numHeads(),
                c.numKvHeads(), c.headDim(), c.intermediateSize(), POSITIONS, c.normEps(), c.ropeTheta(), c.ropeScaling(),
                c.tieWordEmbeddings(), c.qkvBias());
        TinyModelFixture.write(modelDir, longer, Dtype.F32, false, 7);
    }
}
