package dev.quill.model.decoder;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.quill.model.ModelLoadException;
import dev.quill.model.cli.MklCodePath;
import dev.quill.model.config.ModelConfig;
import dev.quill.model.config.ModelConfigReader;
import dev.quill.model.weights.Checkpoint;
import dev.quill.model.weights.TensorDtype;

import java.nio.file.Path;

/** Loads a HuggingFace model folder's config.json and safetensors into a {@link Decoder}. */
public final class DecoderLoader {

    private DecoderLoader() {
    }

    public static Decoder load(Path dir, DecoderOptions options) {
        MklCodePath.install(options.device()); // before PyTorch, if this is the first use of it
        ModelConfig config = ModelConfigReader.read(dir);
        Checkpoint checkpoint = Checkpoint.open(dir);
        NDManager manager = NDManager.newBaseManager(options.djlDevice());
        try {
            DataType type = computeType(manager, checkpoint);
            Decoder.Parts parts = switch (config.family()) {
                case GPT2 -> new Gpt2Wiring(config, checkpoint, manager, type).parts();
                case LLAMA -> new LlamaWiring(config, checkpoint, manager, type).parts();
            };
            int maxLength = options.maxLength() == 0 ? config.maxPositions() : Math.min(options.maxLength(), config.maxPositions());
            return new Decoder(config, manager, checkpoint, type, parts, options.slots(), maxLength, options.kvTokens());
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * fp32 on CPU (fp16 matmul there is an order of magnitude slower, and bf16 would abort the
     * engine); a 16-bit checkpoint keeps half precision on a GPU.
     */
    private static DataType computeType(NDManager manager, Checkpoint checkpoint) {
        if (!manager.getDevice().isGpu()) {
            return DataType.FLOAT32;
        }
        String any = checkpoint.names().iterator().next();
        return checkpoint.dtype(any) == TensorDtype.F32 ? DataType.FLOAT32 : DataType.FLOAT16;
    }

}
