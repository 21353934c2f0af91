package org.quaterion.onnx;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.ParameterList;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.quaterion.models.concurrent.CloseGate;
import org.quaterion.models.encoders.Encoder;
import org.quaterion.models.encoders.EncoderFactory;
import org.quaterion.models.encoders.LoadContext;
import org.quaterion.models.heads.EncoderHead;
import org.quaterion.models.heads.LinearHead;
import org.quaterion.models.io.JsonFiles;
import org.quaterion.onnx.transformer.Pooling;

/**
 * A cross-encoder's transformer: a {@link TrainableTransformer} that reads a (query, document) pair as one sequence,
 * tokenized as its tokenizer encodes a text pair ({@code [CLS] query [SEP] document [SEP]} with token types 0 and 1
 * for BERT; {@code <s> query </s></s> document </s>} for XLM-RoBERTa, as its {@code tokenizer.json} says), and
 * outputs the {@code [CLS]} token's final hidden state. A checkpoint's pooler and classifier (if it has them) are not
 * read: the scoring head is the model's {@link LinearHead} on top ({@link #scoringHead}), fresh and seeded by the fit.
 * A model whose one encoder is a cross-encoder and whose head gives one logit (or N labels) is what
 * {@link CrossEncoderModel} serves.
 *
 * <p>When the pair is longer than the transformer's maximum length, the longer of the two texts is cut first
 * (Hugging Face's {@code longest_first}). Inference runs each pair on its own unless the transformer batches padded
 * ({@link TextBatching}), so a pair's score does not depend on its batch.
 */
public final class CrossEncoder implements Encoder<Pair<String, String>> {

    /** The type name in saved models. */
    public static final String TYPE = "cross-encoder";

    static final String SETTINGS_FILE = "cross_encoder.json";

    private final TrainableTransformer transformer;
    private HuggingFaceTokenizer tokenizer;
    private final CloseGate gate = new CloseGate("CrossEncoder");

    private CrossEncoder(TrainableTransformer transformer) {
        this.transformer = transformer;
    }

    /**
     * A cross-encoder over a transformer's settings (from {@link TrainableTransformer#fromHuggingFace} or
     * {@link TrainableTransformer#fromOnnx}, with LoRA or frozen layers as that builder takes them). The builder's
     * pooling is set to {@code [CLS]} and its normalisation off: a cross-encoder scores the first token's state.
     *
     * @param transformer the transformer's settings
     * @return the (uninitialised) cross-encoder
     */
    public static CrossEncoder of(TrainableTransformer.Builder transformer) {
        Objects.requireNonNull(transformer, "transformer");
        return new CrossEncoder(transformer.pooling(Pooling.CLS).normalize(false).build());
    }

    /**
     * The scoring head for a cross-encoder: a linear map from the {@code [CLS]} state to the logits.
     *
     * @param inputSize the cross-encoder's hidden size ({@code configureHead}'s argument)
     * @param labels 1 for one relevance logit, N for N labels
     * @return a fresh head, initialised by the model that takes it
     * @throws IllegalArgumentException when labels is below 1
     */
    public static EncoderHead scoringHead(int inputSize, int labels) {
        if (labels < 1) {
            throw new IllegalArgumentException("a cross-encoder's head needs at least one label, got " + labels);
        }
        return new LinearHead(inputSize, labels);
    }

    /**
     * The transformer under the pair.
     *
     * @return the transformer
     */
    public TrainableTransformer transformer() {
        return transformer;
    }

    @Override
    public String typeName() {
        return TYPE;
    }

    @Override
    public boolean trainable() {
        return transformer.trainable();
    }

    @Override
    public int embeddingSize() {
        return transformer.embeddingSize();
    }

    @Override
    public boolean batchInvariant() {
        return transformer.batchInvariant();
    }

    @Override
    public synchronized void initialize(NDManager manager, DataType dataType) {
        if (tokenizer != null) {
            return;
        }
        transformer.initialize(manager, dataType);
        try {
            tokenizer = HuggingFaceTokenizer.builder().optTokenizerPath(transformer.tokenizerFile()).optPadding(true)
                    .optTruncation(true).optMaxLength(transformer.maxLength()).build();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read the tokenizer " + transformer.tokenizerFile(), e);
        }
    }

    /** Tokenizes each pair as the tokenizer's pair encoding, each text cut to the transformer's character budget. */
    @Override
    public NDList collate(List<Pair<String, String>> records, NDManager manager) {
        try (CloseGate.Pass pass = gate.enter()) {
            if (tokenizer == null) {
                throw new IllegalStateException("initialize the cross-encoder (SimilarityModel does) before collating");
            }
            int maxChars = TextCollation.defaultMaxChars(transformer.maxLength());
            PairList<String, String> texts = new PairList<>(records.size());
            for (int i = 0; i < records.size(); i++) {
                Pair<String, String> p = records.get(i);
                if (p == null || p.getKey() == null || p.getValue() == null) {
                    throw new IllegalArgumentException("pair " + i + " needs a query and a document, got " + p);
                }
                texts.add(TextCollation.cut(p.getKey(), maxChars), TextCollation.cut(p.getValue(), maxChars));
            }
            Encoding[] encodings = tokenizer.batchEncode(texts);
            return TokenBatches.stack(encodings, manager);
        }
    }

    @Override
    public NDArray forward(NDList batch, boolean training) {
        try (CloseGate.Pass pass = gate.enter()) {
            return transformer.forward(batch, training);
        }
    }

    @Override
    public ParameterList parameters() {
        return transformer.parameters();
    }

    /** Writes the transformer's files and this encoder's marker ({@code cross_encoder.json}). */
    @Override
    public void save(Path dir) throws IOException {
        transformer.save(dir);
        JsonObject json = new JsonObject();
        json.addProperty("input", "text pair");
        JsonFiles.write(dir.resolve(SETTINGS_FILE), json);
    }

    @Override
    public void close() {
        gate.close(() -> {
            if (tokenizer != null) {
                tokenizer.close();
            }
            transformer.close();
        });
    }

    /** Restores saved cross-encoders (registered through {@code META-INF/services}). */
    public static final class Factory implements EncoderFactory {
        @Override
        public String typeName() {
            return TYPE;
        }

        @Override
        public Encoder<?> load(Path dir, LoadContext context) {
            if (!java.nio.file.Files.isRegularFile(dir.resolve(SETTINGS_FILE))) {
                throw new IllegalArgumentException(dir + " has no " + SETTINGS_FILE + ": not a saved cross-encoder");
            }
            TrainableTransformer inner = (TrainableTransformer) new TrainableTransformer.Factory().load(dir, context);
            if (inner.block().pooling() != Pooling.CLS || inner.block().normalizes()) {
                inner.close();
                throw new IllegalArgumentException(dir + " holds a transformer with " + inner.block().pooling()
                        .configName() + " pooling" + (inner.block().normalizes() ? " and normalisation" : "")
                        + "; a cross-encoder reads the [CLS] state unnormalised");
            }
            CrossEncoder encoder = new CrossEncoder(inner);
            encoder.initialize(context.manager(), context.dataType());
            return encoder;
        }
    }
}
