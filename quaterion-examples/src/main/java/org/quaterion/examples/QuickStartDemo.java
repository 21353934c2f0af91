package org.quaterion.examples;

import ai.djl.engine.Engine;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.initializer.NormalInitializer;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.quaterion.models.ModelRegistry;
import org.quaterion.models.SimilarityModel;
import org.quaterion.models.encoders.BlockEncoder;
import org.quaterion.models.encoders.EncoderFactory;
import org.quaterion.models.heads.NormalizeHead;

/**
 * The quick-start demo: builds a {@link SimilarityModel} from a DJL block (a frozen random projection of hashed
 * character trigrams, L2-normalised by the head), encodes a few sentences, saves the model, loads it back as a
 * service would, and prints the cosine similarities of the loaded model's embeddings.
 */
public final class QuickStartDemo {

    static final String ENCODER_TYPE = "char-trigram-projection";
    static final int BUCKETS = 512;
    static final int DIM = 128;

    private QuickStartDemo() {}

    static Block projection() {
        Linear linear = Linear.builder().setUnits(DIM).optBias(false).build();
        linear.setInitializer(new NormalInitializer(0.05f), Parameter.Type.WEIGHT);
        return linear;
    }

    static EncoderFactory factory() {
        return BlockEncoder.factory(ENCODER_TYPE, QuickStartDemo::projection, new CharTrigramCollator(BUCKETS));
    }

    /**
     * Runs the demo.
     *
     * @param args optional: the directory to save the model to (default: a temporary directory)
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        PrintStream out = System.out;
        Engine.getInstance().setRandomSeed(42);
        Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("quaterion-demo").resolve("model");
        List<String> sentences = List.of(
                "the cat sat on the mat",
                "a cat was sitting on the mat",
                "stock markets fell sharply today",
                "shares fell sharply on stock markets",
                "how do I reset my password",
                "I forgot my password, how can I reset it");

        BlockEncoder<String> encoder = BlockEncoder.<String>builder().setTypeName(ENCODER_TYPE).setBlock(projection())
                .setCollator(new CharTrigramCollator(BUCKETS)).setEmbeddingSize(DIM).optTrainable(false)
                .optInputShapes(new Shape(1, BUCKETS)).build();
        float[][] before;
        try (SimilarityModel<String> model = SimilarityModel.<String>builder().setEncoder(encoder)
                .setHead(new NormalizeHead(DIM)).build()) {
            out.println("Built " + model);
            before = model.encode(sentences, 4);
            model.save(dir);
            out.println("Saved to " + dir);
        }

        ModelRegistry registry = ModelRegistry.discover().register(factory());
        try (SimilarityModel<String> served = SimilarityModel.load(dir, registry, null, String.class)) {
            float[][] emb = served.encode(sentences, 4);
            double maxDiff = 0;
            for (int i = 0; i < emb.length; i++) {
                for (int j = 0; j < emb[i].length; j++) {
                    maxDiff = Math.max(maxDiff, Math.abs(emb[i][j] - before[i][j]));
                }
            }
            out.printf(Locale.ROOT, "Loaded back; max |difference| to the original embeddings: %.2e%n%n", maxDiff);
            out.println("Cosine similarities (embeddings are L2-normalised):");
            for (int i = 0; i < sentences.size(); i++) {
                int best = -1;
                double bestSim = -2;
                StringBuilder row = new StringBuilder();
                for (int j = 0; j < sentences.size(); j++) {
                    double sim = dot(emb[i], emb[j]);
                    row.append(String.format(Locale.ROOT, "%7.3f", sim));
                    if (j != i && sim > bestSim) {
                        bestSim = sim;
                        best = j;
                    }
                }
                out.printf(Locale.ROOT, "%s  %-42s -> nearest: %s%n", row, sentences.get(i), sentences.get(best));
            }
        }
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int k = 0; k < a.length; k++) {
            s += a[k] * b[k];
        }
        return s;
    }
}
