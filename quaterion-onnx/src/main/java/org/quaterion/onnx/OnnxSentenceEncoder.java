package org.quaterion.onnx;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.ParameterList;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.quaterion.models.concurrent.CloseGate;
import org.quaterion.models.encoders.Encoder;
import org.quaterion.models.encoders.EncoderFactory;
import org.quaterion.models.io.JsonFiles;
import org.quaterion.models.tensor.Scalars;

/**
 * A frozen pretrained transformer sentence encoder: an ONNX model run by DJL's ONNX Runtime engine, a HuggingFace
 * {@code tokenizer.json}, then mean or CLS pooling and optional L2 normalisation. The result is an array of the
 * caller's engine (PyTorch), so heads train on top of it directly. {@link #save} copies the model and tokenizer into
 * the servable, so a service needs only this module (not the jar the model came from). Forward passes are
 * serialised (one ONNX Runtime session); the encoder is never trainable.
 *
 * <p>By default each text is run on its own ({@link TextBatching#PER_TEXT}), so a text's vector is the same bits
 * alone and in any batch; {@link #withBatching} selects padded batches instead.
 */
public final class OnnxSentenceEncoder implements Encoder<String> {

    /** The type name in saved models. */
    public static final String TYPE = "onnx-sentence";

    private static final String MODEL_FILE = "model.onnx";
    private static final String TOKENIZER_FILE = "tokenizer.json";
    private static final String CONFIG_FILE = "config.json";

    /** How token states become one sentence embedding. */
    public enum Pooling {
        /** The mean of the token states under the attention mask (sentence-transformers' default). */
        MEAN,
        /** The first token's state. */
        CLS
    }

    private final Path modelFile;
    private final Path tokenizerFile;
    private final int embeddingSize;
    private final Pooling pooling;
    private final boolean normalize;
    private final int maxLength;
    private volatile Model model; // set once by initialize (synchronized), read by every forward
    private Predictor<NDList, NDList> predictor;
    private volatile HuggingFaceTokenizer tokenizer; // set by initialize, cleared by close (both synchronized)
    private DataType dataType = DataType.FLOAT32;
    private final int maxChars;
    private final TextBatching batching;
    private final CloseGate gate = new CloseGate("OnnxSentenceEncoder");

    /**
     * System property: ONNX Runtime intra-op threads per encoder (unset: ONNX Runtime's default, every core). The
     * Spark cache job sets it to 1, one thread per task.
     */
    public static final String THREADS_PROPERTY = "quaterion.onnx.threads";

    /**
     * Creates the encoder (files are read by {@link #initialize}).
     *
     * @param modelFile the {@code .onnx} file; inputs {@code input_ids}, {@code attention_mask},
     *     {@code token_type_ids}; output 0 the token states {@code (B, L, embeddingSize)}
     * @param tokenizerFile the HuggingFace {@code tokenizer.json}
     * @param embeddingSize the hidden size
     * @param pooling MEAN or CLS
     * @param normalize whether to L2-normalise the sentence embedding
     * @param maxLength tokens kept per sentence (longer ones are truncated)
     */
    public OnnxSentenceEncoder(Path modelFile, Path tokenizerFile, int embeddingSize, Pooling pooling,
            boolean normalize, int maxLength) {
        this(modelFile, tokenizerFile, embeddingSize, pooling, normalize, maxLength,
                TextCollation.defaultMaxChars(maxLength));
    }

    /**
     * Creates the encoder with a limit on the characters tokenised per text.
     *
     * @param modelFile the {@code .onnx} file (see the other constructor)
     * @param tokenizerFile the HuggingFace {@code tokenizer.json}
     * @param embeddingSize the hidden size
     * @param pooling MEAN or CLS
     * @param normalize whether to L2-normalise the sentence embedding
     * @param maxLength tokens kept per sentence (longer ones are truncated)
     * @param maxChars characters of each text that reach the tokenizer (a text is cut before tokenising, so a huge
     *     request costs no more than this); at least {@code maxLength}. The default, {@code 32 × maxLength}, keeps
     *     every token of ordinary text that fits in {@code maxLength}
     */
    public OnnxSentenceEncoder(Path modelFile, Path tokenizerFile, int embeddingSize, Pooling pooling,
            boolean normalize, int maxLength, int maxChars) {
        this(modelFile, tokenizerFile, embeddingSize, pooling, normalize, maxLength, maxChars, TextBatching.PER_TEXT);
    }

    private OnnxSentenceEncoder(Path modelFile, Path tokenizerFile, int embeddingSize, Pooling pooling,
            boolean normalize, int maxLength, int maxChars, TextBatching batching) {
        if (!Files.isRegularFile(modelFile) || !Files.isRegularFile(tokenizerFile)) {
            throw new IllegalArgumentException("ONNX model or tokenizer not found: " + modelFile + ", "
                    + tokenizerFile);
        }
        if (embeddingSize < 1 || maxLength < 2) {
            throw new IllegalArgumentException("embeddingSize must be >= 1 and maxLength >= 2");
        }
        this.modelFile = modelFile;
        this.tokenizerFile = tokenizerFile;
        this.embeddingSize = embeddingSize;
        this.pooling = pooling;
        this.normalize = normalize;
        this.maxLength = maxLength;
        if (maxChars < maxLength) {
            throw new IllegalArgumentException("maxChars must be >= maxLength (" + maxLength + "), got " + maxChars);
        }
        this.maxChars = maxChars;
        this.batching = Objects.requireNonNull(batching, "batching");
    }

    /**
     * A new, uninitialised encoder with the same files and settings that runs batches as {@code batching} says.
     *
     * @param batching {@link TextBatching#PER_TEXT} (the default: a text's vector never depends on its batch) or
     *     {@link TextBatching#PADDED}
     * @return the new encoder (this one is unchanged)
     */
    public OnnxSentenceEncoder withBatching(TextBatching batching) {
        return new OnnxSentenceEncoder(modelFile, tokenizerFile, embeddingSize, pooling, normalize, maxLength,
                maxChars, batching);
    }

    /**
     * How batches are run.
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

    /**
     * The ONNX model file.
     *
     * @return its path
     */
    public Path modelFile() {
        return modelFile;
    }

    /**
     * The tokenizer file.
     *
     * @return its path
     */
    public Path tokenizerFile() {
        return tokenizerFile;
    }

    /**
     * How token states become the sentence embedding.
     *
     * @return MEAN or CLS
     */
    public Pooling pooling() {
        return pooling;
    }

    /**
     * Whether the pooled embedding is L2-normalised.
     *
     * @return true when it is
     */
    public boolean normalize() {
        return normalize;
    }

    /**
     * Tokens kept per text; longer texts are truncated.
     *
     * @return the token limit
     */
    public int maxLength() {
        return maxLength;
    }

    @Override
    public String typeName() {
        return TYPE;
    }

    @Override
    public boolean trainable() {
        return false;
    }

    @Override
    public int embeddingSize() {
        return embeddingSize;
    }

    @Override
    public synchronized void initialize(NDManager manager, DataType type) {
        this.dataType = type;
        if (model != null) {
            return;
        }
        try {
            tokenizer = HuggingFaceTokenizer.builder().optTokenizerPath(tokenizerFile).optPadding(true)
                    .optTruncation(true).optMaxLength(maxLength).build();
        } catch (IOException | RuntimeException e) {
            release();
            throw new IllegalArgumentException("tokenizer file " + tokenizerFile + " cannot be loaded (is it a "
                    + "HuggingFace tokenizer.json?): " + e.getMessage(), e);
        }
        try {
            model = Model.newInstance("onnx-sentence", Device.cpu(), "OnnxRuntime");
            String threads = System.getProperty(THREADS_PROPERTY);
            if (threads != null) {
                model.load(modelFile, null, java.util.Map.of("intraOpNumThreads", threads, "interOpNumThreads", "1"));
            } else {
                model.load(modelFile);
            }
            predictor = model.newPredictor(new NoopTranslator());
        } catch (IOException | MalformedModelException | RuntimeException e) {
            release();
            throw new IllegalArgumentException("cannot load the ONNX model " + modelFile + ": " + e.getMessage(), e);
        }
    }

    @Override
    public NDList collate(List<String> records, NDManager manager) {
        try (CloseGate.Pass pass = gate.enter()) {
            return TextCollation.collate(tokenizer, records, manager, maxChars);
        }
    }

    @Override
    public NDArray forward(NDList batch, boolean training) {
        try (CloseGate.Pass pass = gate.enter()) {
            if (batching == TextBatching.PER_TEXT) {
                return TextRows.eachText(batch, text -> pool(text, runSession(text)));
            }
            return pool(batch, runSession(batch));
        }
    }

    /** Token states of a batch from the ONNX Runtime session (serialised: one session). */
    private NDArray runSession(NDList batch) {
        NDManager target = batch.head().getManager();
        NDArray states;
        synchronized (this) {
            try (NDManager ort = model.getNDManager().newSubManager()) {
                NDList in = new NDList(batch.size());
                for (NDArray a : batch) {
                    in.add(ort.from(a));
                }
                NDArray out = predictor.predict(in).get(0);
                states = target.from(out);
                if (states == out) {
                    states = out.duplicate();
                }
                states.attach(target);
            } catch (TranslateException e) {
                throw new IllegalStateException("ONNX Runtime failed on a batch of " + batch.head().getShape().get(0)
                        + " texts: " + e.getMessage(), e);
            }
        }
        return states;
    }

    private NDArray pool(NDList batch, NDArray states) {
        NDArray pooled;
        if (pooling == Pooling.CLS) {
            pooled = states.get(":, 0, :");
        } else {
            NDArray mask = batch.get(1).toType(DataType.FLOAT32, false).expandDims(2);
            pooled = states.mul(mask).sum(new int[] {1}).div(Scalars.max(mask.sum(new int[] {1}), 1e-9f));
        }
        if (normalize) {
            pooled = pooled.normalize(2, 1, 1e-12);
        }
        return pooled.toType(dataType, false).stopGradient();
    }

    @Override
    public ParameterList parameters() {
        return new ParameterList();
    }

    @Override
    public void save(Path dir) throws IOException {
        Files.copy(modelFile, dir.resolve(MODEL_FILE), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(tokenizerFile, dir.resolve(TOKENIZER_FILE), StandardCopyOption.REPLACE_EXISTING);
        JsonObject config = new JsonObject();
        config.addProperty("embedding_size", embeddingSize);
        config.addProperty("pooling", pooling.name().toLowerCase(Locale.ROOT));
        config.addProperty("normalize", normalize);
        config.addProperty("max_length", maxLength);
        config.addProperty("max_chars", maxChars);
        config.addProperty("batching", batching.configName());
        JsonFiles.write(dir.resolve(CONFIG_FILE), config);
    }

    /**
     * The factory that restores saved encoders (registered through {@code META-INF/services}).
     *
     * @return the factory
     */
    public static EncoderFactory factory() {
        return new Factory();
    }

    /** Loads {@link OnnxSentenceEncoder}s from a servable. */
    public static final class Factory implements EncoderFactory {
        @Override
        public String typeName() {
            return TYPE;
        }

        @Override
        public Encoder<?> load(Path dir, org.quaterion.models.encoders.LoadContext context) throws IOException {
            Path configFile = dir.resolve(CONFIG_FILE);
            JsonObject config = JsonFiles.read(configFile);
            int size = JsonFiles.requireInt(config, "embedding_size", configFile.toString());
            String pooling = JsonFiles.requireString(config, "pooling", configFile.toString());
            Pooling p;
            try {
                p = Pooling.valueOf(pooling.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(configFile + ": pooling must be mean or cls, got " + pooling, e);
            }
            // a servable saved without the setting runs per text, the default
            TextBatching batching = config.has("batching") ? TextBatching.fromConfig(JsonFiles.requireString(config,
                    "batching", configFile.toString()), configFile.toString()) : TextBatching.PER_TEXT;
            OnnxSentenceEncoder encoder = new OnnxSentenceEncoder(dir.resolve(MODEL_FILE), dir.resolve(TOKENIZER_FILE),
                    size, p, config.get("normalize").getAsBoolean(),
                    JsonFiles.requireInt(config, "max_length", configFile.toString()),
                    config.has("max_chars") ? JsonFiles.requireInt(config, "max_chars", configFile.toString())
                            : TextCollation.defaultMaxChars(JsonFiles.requireInt(config, "max_length",
                                    configFile.toString())), batching);
            encoder.initialize(context.manager(), context.dataType());
            return encoder;
        }
    }

    @Override
    public void close() {
        gate.close(this::release); // waits for tokenizing and session calls in flight
    }

    private synchronized void release() {
        if (predictor != null) {
            predictor.close();
            predictor = null;
        }
        if (model != null) {
            model.close();
            model = null;
        }
        if (tokenizer != null) {
            tokenizer.close();
            tokenizer = null;
        }
    }
}
