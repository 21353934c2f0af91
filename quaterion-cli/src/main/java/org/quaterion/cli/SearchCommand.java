package org.quaterion.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.quaterion.models.SimilarityModel;
import org.quaterion.search.HnswIndex;
import org.quaterion.search.KnnResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code quaterion search --model DIR --index DIR [-k 5] QUERY...}. */
@Command(name = "search", mixinStandardHelpOptions = true, description = "Top-k texts of an index for each query.")
final class SearchCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "the servable directory")
    Path model;

    @Option(names = "--index", required = true, description = "an index built by `quaterion index`")
    Path index;

    @Option(names = "-k", defaultValue = "5", description = "results per query (default ${DEFAULT-VALUE})")
    int k;

    @Parameters(arity = "1..*", description = "queries")
    List<String> queries;

    @Override
    public Integer call() throws IOException {
        if (k < 1) {
            throw new IllegalArgumentException("-k must be >= 1, got " + k);
        }
        if (!Files.isRegularFile(index.resolve("texts.txt"))) {
            throw new IllegalArgumentException("no index at " + index + ": build one with `quaterion index`");
        }
        List<String> texts = Files.readAllLines(index.resolve("texts.txt"), StandardCharsets.UTF_8);
        try (SimilarityModel<String> m = CliInputs.load(model); HnswIndex hnsw = HnswIndex.open(index.resolve("hnsw"))) {
            KnnResult top = hnsw.search(m.encode(queries, 16), k);
            for (int q = 0; q < queries.size(); q++) {
                System.out.println(queries.get(q));
                for (int r = 0; r < top.k(); r++) {
                    long row = top.indices()[q][r];
                    if (row >= 0) {
                        System.out.printf(Locale.ROOT, "  %d. %s  (cosine distance %.4f)%n", r + 1,
                                texts.get((int) row), top.distances()[q][r]);
                    }
                }
            }
        }
        return 0;
    }
}
