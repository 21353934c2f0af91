package org.quaterion.onnx;

import ai.djl.MalformedModelException;
import com.google.gson.JsonObject;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.quaterion.models.encoders.Encoder;
import org.quaterion.models.encoders.EncoderFactory;
import org.quaterion.models.encoders.LoadContext;
import org.quaterion.models.io.JsonFiles;
import org.quaterion.onnx.transformer.Pooling;
import org.quaterion.onnx.transformer.TransformerConfig;

/**
 * all-MiniLM-L6-v2 fine-tuned whole except its token embedding table, the usual choice for short fine-tuning (the
 * table is half the weights and the costliest gradient): a {@link TrainableTransformer} from the fp32 ONNX weights.
 * Servables saved by earlier releases as {@value #TYPE} ({@code tokenizer.json}, {@code parameters.params},
 * {@code config.json}) still load through {@link Factory}.
 */
public final class TrainableMiniLm {

    /** The type name of the servables this class's factory restores. */
    public static final String TYPE = "minilm-trainable";

    private static final String TOKENIZER_FILE = "tokenizer.json";
    private static final String PARAMS_FILE = "parameters.params";
    private static final String CONFIG_FILE = "config.json";

    private TrainableMiniLm() {}

    /**
     * The pretrained fp32 all-MiniLM-L6-v2 (from the langchain4j jar), trainable but for its token table.
     *
     * @param maxLength tokens kept per text
     * @return a new encoder (initialised by the SimilarityModel that takes it)
     */
    public static TrainableTransformer pretrained(int maxLength) {
        return builder(maxLength).build();
    }

    /**
     * The same settings as a builder (to set the batching, say).
     *
     * @param maxLength tokens kept per text
     * @return a builder
     */
    public static TrainableTransformer.Builder builder(int maxLength) {
        return MiniLm.trainable().maxLength(maxLength).freezeTokenEmbeddings(true);
    }

    /** Restores servables saved as {@value #TYPE} (registered through {@code META-INF/services}). */
    public static final class Factory implements EncoderFactory {
        @Override
        public String typeName() {
            return TYPE;
        }

        @Override
        public Encoder<?> load(Path dir, LoadContext context) {
            Path configFile = dir.resolve(CONFIG_FILE);
            JsonObject config = JsonFiles.read(configFile);
            // a servable saved without the setting runs per text, the default
            TextBatching batching = config.has("batching") ? TextBatching.fromConfig(JsonFiles.requireString(config,
                    "batching", configFile.toString()), configFile.toString()) : TextBatching.PER_TEXT;
            Path params = dir.resolve(PARAMS_FILE);
            TrainableTransformer.Builder b = new TrainableTransformer.Builder(TransformerConfig.allMiniLmL6(),
                    dir.resolve(TOKENIZER_FILE), (block, manager, source) -> {
                        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(
                                params)))) {
                            block.loadParameters(manager, in);
                        } catch (MalformedModelException e) {
                            throw new IOException(params + " is not a MiniLM parameter file: " + e.getMessage(), e);
                        }
                    }, params.toString());
            b.pooling(Pooling.MEAN).normalize(true).maxLength(JsonFiles.requireInt(config, "max_length",
                    configFile.toString())).batching(batching).freezeTokenEmbeddings(true);
            if (!config.get("trainable").getAsBoolean()) {
                b.frozen();
            }
            TrainableTransformer encoder = b.build();
            encoder.initialize(context.manager(), context.dataType());
            return encoder;
        }
    }
}
