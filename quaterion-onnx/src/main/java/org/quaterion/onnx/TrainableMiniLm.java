package org.quaterion.onnx;

import ai.djl.MalformedModelException;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import com.google.gson.JsonObject;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Objects;
import org.quaterion.models.concurrent.CloseGate;
import org.quaterion.models.encoders.Encoder;
import org.quaterion.models.encoders.EncoderFactory;
import org.quaterion.models.encoders.LoadContext;
import org.quaterion.models.io.JsonFiles;
import org.quaterion.onnx.transformer.CheckpointWeights;
import org.quaterion.onnx.transformer.Pooling;
import org.quaterion.onnx.transformer.TransformerBlock;
import org.quaterion.onnx.transformer.TransformerConfig;

/**
 * all-MiniLM-L6-v2 as a trainable encoder on the PyTorch engine ({@link TransformerBlock}): the whole transformer is
 * fine-tuned with the head, except the token embedding table (half the weights, and the costliest gradient), unlike
 * the frozen ONNX Runtime {@link OnnxSentenceEncoder}. Starts from the fp32 ONNX weights; a saved servable holds
 * {@code tokenizer.json}, {@code parameters.params} and {@code config.json}.
 *
 * <p>Inference runs each text on its own by default ({@link TextBatching#PER_TEXT}), so a text's vector is the same
 * bits alone and in any batch; training steps always run the padded batch (one backward pass).
 * {@link #withBatching} selects padded inference batches instead.
 */
public final class TrainableMiniLm implements Encoder<String> {

    /** The type name in saved models. */
    public static final String TYPE = "minilm-trainable";

    private static final String TOKENIZER_FILE = "tokenizer.json";
    private static final String PARAMS_FILE = "parameters.params";
    private static final String CONFIG_FILE = "config.json";

    private final Path tokenizerFile;
    private final Path onnxWeights;
    private final Path savedParams;
    private final boolean trainable;
    private final int maxLength;
    private final TextBatching batching;
    private final TransformerBlock block = new TransformerBlock(TransformerConfig.allMiniLmL6(), Pooling.MEAN, true,
            null);
    private HuggingFaceTokenizer tokenizer;
    private final CloseGate gate = new CloseGate("TrainableMiniLm");

    private TrainableMiniLm(Path tokenizerFile, Path onnxWeights, Path savedParams, boolean trainable,
            int maxLength, TextBatching batching) {
        this.tokenizerFile = tokenizerFile;
        this.onnxWeights = onnxWeights;
        this.savedParams = savedParams;
        this.trainable = trainable;
        this.maxLength = maxLength;
        this.batching = Objects.requireNonNull(batching, "batching");
    }

    /**
     * The pretrained fp32 all-MiniLM-L6-v2 (from the langchain4j jar), trainable.
     *
     * @param maxLength tokens kept per text
     * @return a new encoder (initialised by the SimilarityModel that takes it)
     */
    public static TrainableMiniLm pretrained(int maxLength) {
        OnnxSentenceEncoder source = MiniLm.fp32();
        return new TrainableMiniLm(source.tokenizerFile(), source.modelFile(), null, true, maxLength,
                TextBatching.PER_TEXT);
    }

    /**
     * A new, uninitialised encoder from the same weight files and settings whose inference runs batches as
     * {@code batching} says. Call it before the encoder is initialised (before a model takes it): the new encoder
     * reads the weight files again, so weights trained since would not carry over.
     *
     * @param batching {@link TextBatching#PER_TEXT} (the default: a text's vector never depends on its batch) or
     *     {@link TextBatching#PADDED}
     * @return the new encoder (this one is unchanged)
     * @throws IllegalStateException when this encoder is already initialised
     */
    public synchronized TrainableMiniLm withBatching(TextBatching batching) {
        if (tokenizer != null) {
            throw new IllegalStateException("withBatching makes a new encoder from the weight files, without the "
                    + "weights this initialised one may have trained; call it before a model takes the encoder");
        }
        return new TrainableMiniLm(tokenizerFile, onnxWeights, savedParams, trainable, maxLength, batching);
    }

    /**
     * How inference batches are run.
     *
     * @return the batching mode
     */
    public TextBatching batching() {
        return batching;
    }

    /** Each text runs on its own in {@link TextBatching#PER_TEXT} mode: its vector does not depend on the batch. */
    @Override
    public boolean batchInvariant() {
        return batching == TextBatching.PER_TEXT;
    }

    @Override
    public String typeName() {
        return TYPE;
    }

    @Override
    public boolean trainable() {
        return trainable;
    }

    @Override
    public int embeddingSize() {
        return MiniLm.DIM;
    }

    @Override
    public synchronized void initialize(NDManager manager, DataType dataType) {
        if (tokenizer != null) {
            return;
        }
        try {
            tokenizer = HuggingFaceTokenizer.builder().optTokenizerPath(tokenizerFile).optPadding(true)
                    .optTruncation(true).optMaxLength(maxLength).build();
            Shape s = new Shape(1, 8);
            block.initialize(manager, DataType.FLOAT32, s, s, s);
            if (savedParams != null) {
                try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(
                        savedParams)))) {
                    block.loadParameters(manager, in);
                }
            } else {
                block.loadWeights(CheckpointWeights.read(onnxWeights), onnxWeights.toString());
            }
            block.freezeParameters(!trainable);
            for (Pair<String, Parameter> p : block.getParameters()) {
                if (block.isTokenEmbeddings(p.getValue())) {
                    p.getValue().freeze(true);
                }
            }
        } catch (IOException | MalformedModelException e) {
            throw new IllegalArgumentException("cannot load the MiniLM weights: " + e.getMessage(), e);
        }
    }

    @Override
    public NDList collate(List<String> records, NDManager manager) {
        try (CloseGate.Pass pass = gate.enter()) {
            return TextCollation.collate(tokenizer, records, manager, TextCollation.defaultMaxChars(maxLength));
        }
    }

    @Override
    public NDArray forward(NDList batch, boolean training) {
        try (CloseGate.Pass pass = gate.enter()) {
            ParameterStore ps = new ParameterStore(batch.head().getManager(), false);
            boolean train = training && trainable;
            if (!train && batching == TextBatching.PER_TEXT) {
                return TextRows.eachText(batch, text -> block.forward(ps, text, false).head());
            }
            return block.forward(ps, batch, train).head();
        }
    }

    @Override
    public ParameterList parameters() {
        ParameterList out = new ParameterList();
        if (trainable) {
            for (Pair<String, Parameter> p : block.getParameters()) {
                if (!block.isTokenEmbeddings(p.getValue())) {
                    out.add(p);
                }
            }
        }
        return out;
    }

    @Override
    public void save(Path dir) throws IOException {
        Files.copy(tokenizerFile, dir.resolve(TOKENIZER_FILE), StandardCopyOption.REPLACE_EXISTING);
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(
                dir.resolve(PARAMS_FILE))))) {
            block.saveParameters(out);
        }
        JsonObject config = new JsonObject();
        config.addProperty("trainable", trainable);
        config.addProperty("max_length", maxLength);
        config.addProperty("batching", batching.configName());
        JsonFiles.write(dir.resolve(CONFIG_FILE), config);
    }

    @Override
    public void close() {
        gate.close(() -> { // waits for tokenizing and forward passes in flight
            if (tokenizer != null) {
                tokenizer.close();
            }
        });
    }

    /** Restores saved encoders (registered through {@code META-INF/services}). */
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
            TrainableMiniLm encoder = new TrainableMiniLm(dir.resolve(TOKENIZER_FILE), null, dir.resolve(PARAMS_FILE),
                    config.get("trainable").getAsBoolean(), config.get("max_length").getAsInt(), batching);
            encoder.initialize(context.manager(), context.dataType());
            return encoder;
        }
    }
}
