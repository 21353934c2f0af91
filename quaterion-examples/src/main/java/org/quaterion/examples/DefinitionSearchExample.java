package org.quaterion.examples;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.quaterion.dataset.SimilarityPairSample;
import org.quaterion.models.ModelRegistry;
import org.quaterion.models.SimilarityModel;
import org.quaterion.search.HnswIndex;
import org.quaterion.search.KnnResult;

/**
 * Serving: loads the servable saved by {@link WordNetDefinitionsExample} with {@code SimilarityModel.load} (only
 * quaterion-models, quaterion-onnx and the PyTorch engine needed), encodes WordNet noun lemmas, builds a Lucene
 * HNSW index of them (persisted, reopened on the next run) and answers definitions given on the command line with
 * the top 5 words. Arguments: {@code --model DIR --index DIR --lemmas N "definition" ...}.
 */
public final class DefinitionSearchExample {

    private DefinitionSearchExample() {}

    /**
     * Runs the example.
     *
     * @param args see the class comment
     * @throws IOException when the model or index cannot be read or written
     */
    public static void main(String[] args) throws IOException {
        Path modelDir = Path.of("target/wordnet-definitions-model");
        Path indexDir = Path.of("target/wordnet-lemma-index");
        int lemmaCount = 20_000;
        List<String> queries = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--model" -> modelDir = Path.of(args[++i]);
                case "--index" -> indexDir = Path.of(args[++i]);
                case "--lemmas" -> lemmaCount = Integer.parseInt(args[++i]);
                default -> queries.add(args[i]);
            }
        }
        if (queries.isEmpty()) {
            queries = List.of("a large natural stream of water", "a domesticated carnivorous mammal that barks",
                    "a building where books are kept for reading or borrowing");
        }
        run(modelDir, indexDir, lemmaCount, queries, System.out);
    }

    /**
     * Loads, indexes and answers.
     *
     * @param modelDir the servable
     * @param indexDir where the index lives
     * @param lemmaCount how many distinct noun lemmas to index
     * @param queries definitions to answer
     * @param print where answers go
     * @throws IOException when reading or writing fails
     */
    public static void run(Path modelDir, Path indexDir, int lemmaCount, List<String> queries, PrintStream print)
            throws IOException {
        if (!Files.isDirectory(modelDir)) {
            throw new IllegalArgumentException("no servable at " + modelDir + ": run WordNetDefinitionsExample (the "
                    + "README demo) first, or pass --model DIR");
        }
        try (SimilarityModel<String> model = SimilarityModel.load(modelDir, ModelRegistry.discover(), null,
                String.class)) {
            Set<String> unique = new LinkedHashSet<>();
            for (SimilarityPairSample<String> p : WordNetPairs.nouns(4 * lemmaCount)) {
                if (unique.size() < lemmaCount) {
                    unique.add(p.objB());
                }
            }
            List<String> lemmas = new ArrayList<>(unique);
            HnswIndex index;
            long t0 = System.nanoTime();
            if (Files.isDirectory(indexDir) && holds(indexDir, lemmas.size())) {
                index = HnswIndex.open(indexDir);
                print.printf(Locale.ROOT, "opened the index of %d lemmas at %s%n", index.size(), indexDir);
            } else {
                float[][] vectors = model.encode(lemmas, 256);
                index = HnswIndex.build(indexDir, vectors, org.quaterion.distance.Distance.cosine(),
                        HnswIndex.Config.defaults());
                print.printf(Locale.ROOT, "encoded and indexed %d lemmas in %.1f s%n", lemmas.size(),
                        (System.nanoTime() - t0) / 1e9);
            }
            try (index) {
                float[][] q = model.encode(queries, 16);
                KnnResult top = index.search(q, 5);
                for (int i = 0; i < queries.size(); i++) {
                    List<String> words = new ArrayList<>();
                    for (long r : top.indices()[i]) {
                        if (r >= 0) {
                            words.add(lemmas.get((int) r));
                        }
                    }
                    print.printf(Locale.ROOT, "%s%n  -> %s%n", queries.get(i), String.join(", ", words));
                }
            }
        }
    }

    /** Whether an index at {@code dir} opens and holds {@code rows} rows (otherwise it is rebuilt). */
    private static boolean holds(Path dir, int rows) {
        try (HnswIndex index = HnswIndex.open(dir)) {
            return index.size() == rows;
        } catch (IOException | IllegalArgumentException e) {
            return false;
        }
    }
}
