package org.quaterion.onnx;

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
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.quaterion.models.concurrent.CloseGate;
import org.quaterion.models.encoders.Encoder;
import org.quaterion.models.encoders.EncoderFactory;
import org.quaterion.models.encoders.LoadContext;
import org.quaterion.models.io.AtomicDirectory;
import org.quaterion.models.io.JsonFiles;
import org.quaterion.onnx.transformer.CheckpointWeights;
import org.quaterion.onnx.transformer.LoraConfig;
import org.quaterion.onnx.transformer.Pooling;
import org.quaterion.onnx.transformer.SafetensorsWriter;
import org.quaterion.onnx.transformer.TransformerBlock;
import org.quaterion.onnx.transformer.TransformerConfig;

/**
 * A BERT-family transformer (BERT, MiniLM, bge, e5, gte, XLM-RoBERTa / multilingual-e5) as a trainable text encoder on
 * the PyTorch engine ({@link TransformerBlock}). It starts from a Hugging Face model directory
 * ({@link #fromHuggingFace}: {@code config.json}, {@code tokenizer.json}, {@code model.safetensors} or
 * {@code pytorch_model.bin}, and sentence-transformers' pooling and normalisation when the directory has them) or
 * from an ONNX export ({@link #fromOnnx}). It fine-tunes whole, with frozen embeddings or lowest layers, or through
 * LoRA adapters only ({@link Builder#lora}).
 *
 * <p>A saved servable's encoder directory is itself a Hugging Face directory ({@code config.json},
 * {@code model.safetensors}, {@code tokenizer.json}; plus {@code adapter_config.json} and
 * {@code adapter_model.safetensors} with adapters) with this encoder's settings in {@code encoder.json}.
 * {@link #saveAdapters} writes the adapters alone, {@link #saveMerged} a plain Hugging Face directory with the
 * adapters folded into the weights.
 *
 * <p>Inference runs each text on its own by default ({@link TextBatching#PER_TEXT}), so a text's vector is the same
 * bits alone and in any batch; training steps always run the padded batch.
 */
public final class TrainableTransformer implements Encoder<String> {

    /** The type name in saved models. */
    public static final String TYPE = "transformer";

    static final String TOKENIZER_FILE = "tokenizer.json";
    static final String HF_CONFIG_FILE = "config.json";
    static final String WEIGHTS_FILE = "model.safetensors";
    static final String ADAPTER_CONFIG_FILE = "adapter_config.json";
    static final String ADAPTER_WEIGHTS_FILE = "adapter_model.safetensors";
    static final String SETTINGS_FILE = "encoder.json";

    private final Builder settings;
    private final TransformerBlock block;
    private HuggingFaceTokenizer tokenizer;
    private final CloseGate gate = new CloseGate("TrainableTransformer");

    /**
     * How inference batches run.
     *
     * @return per text or padded
     */
    public TextBatching batching() {
        return settings.batching;
    }

    TrainableTransformer(Builder settings) {
        this.settings = settings;
        this.block = new TransformerBlock(settings.config, settings.pooling, settings.normalize, settings.lora);
    }

    /**
     * Starts from a Hugging Face model directory: {@code config.json} (model type bert, roberta or xlm-roberta),
     * {@code tokenizer.json}, and the weights in {@code model.safetensors} or {@code pytorch_model.bin}. A
     * sentence-transformers directory also gives the pooling ({@code 1_Pooling/config.json}), the normalisation
     * ({@code modules.json}) and the maximum length ({@code sentence_bert_config.json}); otherwise mean pooling,
     * no normalisation, and at most 512 tokens.
     *
     * @param dir the directory
     * @return a builder
     * @throws IllegalArgumentException when a file is missing or the model is not BERT-family
     */
    public static Builder fromHuggingFace(Path dir) {
        Path tokenizer = dir.resolve(TOKENIZER_FILE);
        if (!Files.isRegularFile(dir.resolve(HF_CONFIG_FILE)) || !Files.isRegularFile(tokenizer)) {
            throw new IllegalArgumentException(dir + " is not a Hugging Face model directory: it needs config.json "
                    + "and tokenizer.json (a fast tokenizer)");
        }
        TransformerConfig config = TransformerConfig.fromHuggingFace(dir.resolve(HF_CONFIG_FILE));
        Builder b = new Builder(config, tokenizer, checkpoint(dir), dir.toString());
        SentenceTransformersLayout.apply(dir, b);
        return b;
    }

    /**
     * Starts from an ONNX export of a BERT-family model (fp32, or int8 with its weights dequantised).
     *
     * @param onnx the {@code .onnx} file
     * @param tokenizer its {@code tokenizer.json}
     * @param config the transformer's shape (an ONNX file does not state it)
     * @return a builder (mean pooling, no normalisation, 512 tokens unless set)
     */
    public static Builder fromOnnx(Path onnx, Path tokenizer, TransformerConfig config) {
        return new Builder(config, tokenizer, checkpoint(onnx), onnx.toString());
    }

    /** Puts pretrained weights into an initialised block. */
    @FunctionalInterface
    interface WeightSource {
        void load(TransformerBlock block, NDManager manager, String source) throws IOException;
    }

    /** Weights read by {@link CheckpointWeights} from a file or directory. */
    static WeightSource checkpoint(Path path) {
        return (block, manager, source) -> block.loadWeights(CheckpointWeights.read(path), source);
    }

    /** The settings of a {@link TrainableTransformer}; {@link #build} makes the (uninitialised) encoder. */
    public static final class Builder {
        private final TransformerConfig config;
        private final Path tokenizerFile;
        private final WeightSource weights;
        private final String source;
        private Pooling pooling = Pooling.MEAN;
        private boolean normalize;
        private int maxLength;
        private TextBatching batching = TextBatching.PER_TEXT;
        private LoraConfig lora;
        private Path adapters;
        private boolean trainable = true;
        private boolean freezeEmbeddings;
        private boolean freezeTokenEmbeddings;
        private int frozenLayers;

        Builder(TransformerConfig config, Path tokenizerFile, WeightSource weights, String source) {
            this.config = config;
            this.tokenizerFile = tokenizerFile;
            this.weights = weights;
            this.source = source;
            this.maxLength = Math.min(512, config.maxTokens());
        }

        /**
         * How token states become the sentence embedding.
         *
         * @param value mean, CLS or last token
         * @return this builder
         */
        public Builder pooling(Pooling value) {
            this.pooling = Objects.requireNonNull(value, "pooling");
            return this;
        }

        /**
         * Whether to L2-normalise the sentence embedding.
         *
         * @param value true to normalise
         * @return this builder
         */
        public Builder normalize(boolean value) {
            this.normalize = value;
            return this;
        }

        /**
         * Tokens kept per text (longer ones are truncated).
         *
         * @param value at least 2, at most the model's positions
         * @return this builder
         */
        public Builder maxLength(int value) {
            if (value < 2 || value > config.maxTokens()) {
                throw new IllegalArgumentException("maxLength must be in [2, " + config.maxTokens() + "] for this "
                        + "model, got " + value);
            }
            this.maxLength = value;
            return this;
        }

        /**
         * How inference batches run.
         *
         * @param value per text (the default) or padded
         * @return this builder
         */
        public Builder batching(TextBatching value) {
            this.batching = Objects.requireNonNull(value, "batching");
            return this;
        }

        /**
         * Trains LoRA adapters instead of the weights: every pretrained weight is frozen.
         *
         * @param value the adapters' settings
         * @return this builder
         */
        public Builder lora(LoraConfig value) {
            this.lora = Objects.requireNonNull(value, "lora");
            return this;
        }

        /**
         * Loads adapters saved by {@link TrainableTransformer#saveAdapters} onto the base weights (their settings come
         * from the directory's {@code adapter_config.json}).
         *
         * @param dir the adapter directory
         * @return this builder
         */
        public Builder adapters(Path dir) {
            Path file = dir.resolve(ADAPTER_CONFIG_FILE);
            this.lora = LoraConfig.fromJson(JsonFiles.read(file), file.toString());
            this.adapters = dir;
            return this;
        }

        /**
         * Keeps the embedding tables (and their LayerNorm) fixed while the layers train.
         *
         * @param value true to freeze them
         * @return this builder
         */
        public Builder freezeEmbeddings(boolean value) {
            this.freezeEmbeddings = value;
            return this;
        }

        /**
         * Keeps only the token embedding table fixed (the largest weight of a small model: 11.7M of MiniLM's 22.7M),
         * which halves the optimizer's work and skips its dense gradient; every other weight trains.
         *
         * @param value true to freeze it
         * @return this builder
         */
        public Builder freezeTokenEmbeddings(boolean value) {
            this.freezeTokenEmbeddings = value;
            return this;
        }

        /**
         * Keeps the embeddings and the lowest {@code n} layers fixed: the upper layers train.
         *
         * @param n layers to freeze, in {@code [0, layers]}
         * @return this builder
         */
        public Builder freezeLowestLayers(int n) {
            if (n < 0 || n > config.layers()) {
                throw new IllegalArgumentException("freezeLowestLayers must be in [0, " + config.layers() + "], "
                        + "got " + n);
            }
            this.frozenLayers = n;
            this.freezeEmbeddings = freezeEmbeddings || n > 0;
            return this;
        }

        /**
         * Makes the encoder frozen: nothing in it trains (a head on top may).
         *
         * @return this builder
         */
        public Builder frozen() {
            this.trainable = false;
            return this;
        }

        /**
         * Makes the encoder.
         *
         * @return a new encoder (initialised by the SimilarityModel that takes it)
         */
        public TrainableTransformer build() {
            if (lora != null && (freezeEmbeddings || freezeTokenEmbeddings || frozenLayers > 0)) {
                throw new IllegalArgumentException("with LoRA every pretrained weight is frozen already; drop "
                        + "freezeEmbeddings / freezeLowestLayers");
            }
            return new TrainableTransformer(copy());
        }

        private Builder copy() {
            Builder b = new Builder(config, tokenizerFile, weights, source);
            b.pooling = pooling;
            b.normalize = normalize;
            b.maxLength = maxLength;
            b.batching = batching;
            b.lora = lora;
            b.adapters = adapters;
            b.trainable = trainable;
            b.freezeEmbeddings = freezeEmbeddings;
            b.freezeTokenEmbeddings = freezeTokenEmbeddings;
            b.frozenLayers = frozenLayers;
            return b;
        }

        JsonObject toJson() {
            JsonObject json = new JsonObject();
            json.addProperty("pooling", pooling.configName());
            json.addProperty("normalize", normalize);
            json.addProperty("max_length", maxLength);
            json.addProperty("batching", batching.configName());
            json.addProperty("trainable", trainable);
            json.addProperty("freeze_embeddings", freezeEmbeddings);
            json.addProperty("freeze_token_embeddings", freezeTokenEmbeddings);
            json.addProperty("frozen_layers", frozenLayers);
            return json;
        }

        void readJson(JsonObject json, String where) {
            pooling = Pooling.fromConfig(JsonFiles.requireString(json, "pooling", where), where);
            normalize = json.get("normalize").getAsBoolean();
            maxLength = JsonFiles.requireInt(json, "max_length", where);
            batching = TextBatching.fromConfig(JsonFiles.requireString(json, "batching", where), where);
            trainable = json.get("trainable").getAsBoolean();
            freezeEmbeddings = json.get("freeze_embeddings").getAsBoolean();
            freezeTokenEmbeddings = json.has("freeze_token_embeddings")
                    && json.get("freeze_token_embeddings").getAsBoolean();
            frozenLayers = JsonFiles.requireInt(json, "frozen_layers", where);
        }
    }

    /**
     * The transformer's shape.
     *
     * @return the configuration
     */
    public TransformerConfig config() {
        return settings.config;
    }

    /**
     * The block that computes the embeddings (weights, adapters, pooling and normalisation), for exporters such as
     * {@link org.quaterion.onnx.export.OnnxExport}; training goes through the encoder, not the block.
     *
     * @return the block (initialised once the encoder is)
     */
    public TransformerBlock block() {
        return block;
    }

    /**
     * Tokens kept per text (longer texts are truncated).
     *
     * @return the maximum length in tokens
     */
    public int maxLength() {
        return settings.maxLength;
    }

    /**
     * The tokenizer's {@code tokenizer.json}.
     *
     * @return the file
     */
    public Path tokenizerFile() {
        return settings.tokenizerFile;
    }

    /** Each text runs on its own in {@link TextBatching#PER_TEXT} mode: its vector does not depend on the batch. */
    @Override
    public boolean batchInvariant() {
        return settings.batching == TextBatching.PER_TEXT;
    }

    @Override
    public String typeName() {
        return TYPE;
    }

    @Override
    public boolean trainable() {
        return settings.trainable;
    }

    @Override
    public int embeddingSize() {
        return settings.config.hiddenSize();
    }

    @Override
    public synchronized void initialize(NDManager manager, DataType dataType) {
        if (tokenizer != null) {
            return;
        }
        try {
            Shape s = new Shape(1, 8);
            block.initialize(manager, DataType.FLOAT32, s, s, s);
            settings.weights.load(block, manager, settings.source);
            if (settings.adapters != null) {
                block.loadAdapters(CheckpointWeights.read(settings.adapters.resolve(ADAPTER_WEIGHTS_FILE)),
                        settings.adapters.toString());
            }
            block.setTrainable(settings.freezeEmbeddings, settings.frozenLayers);
            if (settings.freezeTokenEmbeddings) {
                for (Pair<String, Parameter> p : block.getParameters()) {
                    if (block.isTokenEmbeddings(p.getValue())) {
                        p.getValue().freeze(true);
                    }
                }
            }
            if (!settings.trainable) {
                block.freezeParameters(true);
            }
            tokenizer = HuggingFaceTokenizer.builder().optTokenizerPath(settings.tokenizerFile).optPadding(true)
                    .optTruncation(true).optMaxLength(settings.maxLength).build();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the weights of " + settings.source + ": " + e.getMessage(), e);
        }
    }

    @Override
    public NDList collate(List<String> records, NDManager manager) {
        try (CloseGate.Pass pass = gate.enter()) {
            return TextCollation.collate(tokenizer, records, manager,
                    TextCollation.defaultMaxChars(settings.maxLength));
        }
    }

    @Override
    public NDArray forward(NDList batch, boolean training) {
        try (CloseGate.Pass pass = gate.enter()) {
            ParameterStore ps = new ParameterStore(batch.head().getManager(), false);
            boolean train = training && settings.trainable;
            if (!train && settings.batching == TextBatching.PER_TEXT) {
                return TextRows.eachText(batch, text -> block.forward(ps, text, false).head());
            }
            return block.forward(ps, batch, train).head();
        }
    }

    /** The parameters that train: all but the frozen ones (only the adapters with LoRA; none when frozen). */
    @Override
    public ParameterList parameters() {
        ParameterList out = new ParameterList();
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (p.getValue().requiresGradient()) {
                out.add(p);
            }
        }
        return out;
    }

    @Override
    public void save(Path dir) throws IOException {
        Files.copy(settings.tokenizerFile, dir.resolve(TOKENIZER_FILE), StandardCopyOption.REPLACE_EXISTING);
        JsonFiles.write(dir.resolve(HF_CONFIG_FILE), settings.config.toHuggingFace());
        writeWeights(dir.resolve(WEIGHTS_FILE), block.weights(false));
        if (block.lora() != null) {
            writeAdapters(dir);
        }
        JsonFiles.write(dir.resolve(SETTINGS_FILE), settings.toJson());
    }

    /**
     * Writes the LoRA adapters alone ({@code adapter_config.json} and {@code adapter_model.safetensors}, a few
     * hundred kilobytes), for {@link Builder#adapters} on the same base model. The directory is replaced atomically.
     *
     * @param dir the adapter directory
     * @throws IOException when writing fails
     * @throws IllegalStateException when the encoder has no adapters
     */
    public void saveAdapters(Path dir) throws IOException {
        if (block.lora() == null) {
            throw new IllegalStateException("this encoder has no LoRA adapters to save; build it with lora(...)");
        }
        AtomicDirectory.write(dir, "LoRA adapters", this::writeAdapters);
    }

    private void writeAdapters(Path dir) throws IOException {
        JsonFiles.write(dir.resolve(ADAPTER_CONFIG_FILE), block.lora().toJson());
        writeWeights(dir.resolve(ADAPTER_WEIGHTS_FILE), block.adapterWeights());
    }

    /**
     * Writes a Hugging Face model directory ({@code config.json}, {@code model.safetensors}, {@code tokenizer.json})
     * with any adapters folded into the weights: a model without adapters that computes what this one computes, which
     * {@link #fromHuggingFace} (and Hugging Face's own libraries) load. The directory is replaced atomically.
     *
     * @param dir the target directory
     * @throws IOException when writing fails
     */
    public void saveMerged(Path dir) throws IOException {
        AtomicDirectory.write(dir, "Hugging Face model", tmp -> {
            Files.copy(settings.tokenizerFile, tmp.resolve(TOKENIZER_FILE));
            JsonFiles.write(tmp.resolve(HF_CONFIG_FILE), settings.config.toHuggingFace());
            writeWeights(tmp.resolve(WEIGHTS_FILE), block.weights(true));
            SentenceTransformersLayout.write(tmp, settings.pooling, settings.normalize, settings.maxLength);
        });
    }

    private static void writeWeights(Path file, Map<String, NDArray> weights) throws IOException {
        try {
            SafetensorsWriter.write(file, weights);
        } finally {
            weights.values().forEach(NDArray::close);
        }
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
            Path settingsFile = dir.resolve(SETTINGS_FILE);
            Builder b = new Builder(TransformerConfig.fromHuggingFace(dir.resolve(HF_CONFIG_FILE)),
                    dir.resolve(TOKENIZER_FILE), checkpoint(dir.resolve(WEIGHTS_FILE)), dir.toString());
            b.readJson(JsonFiles.read(settingsFile), settingsFile.toString());
            if (Files.isRegularFile(dir.resolve(ADAPTER_CONFIG_FILE))) {
                b.adapters(dir);
            }
            TrainableTransformer encoder = new TrainableTransformer(b);
            encoder.initialize(context.manager(), context.dataType());
            return encoder;
        }
    }
}
