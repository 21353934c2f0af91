package org.quaterion.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.quaterion.distance.Distance;
import org.quaterion.models.SimilarityModel;
import org.quaterion.search.HnswIndex;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code quaterion index --model DIR --input FILE --index DIR}. */
@Command(name = "index", mixinStandardHelpOptions = true,
        description = "Build a Lucene HNSW index of texts with a model.")
final class IndexCommand implements Callable<Integer> {
    /** The artifact kind of an index directory (texts + HNSW graph). */
    static final String TEXT_INDEX_KIND = "text-index";

    @Option(names = "--model", required = true, description = "the servable directory")
    Path model;

    @Option(names = "--input", required = true, description = "texts, one per line or JSONL with \"text\"")
    Path input;

    @Option(names = "--index", required = true, description = "the index directory (replaced)")
    Path index;

    @Override
    public Integer call() throws IOException {
        org.quaterion.models.io.AtomicDirectory.checkReplaceable(index, TEXT_INDEX_KIND);
        CliInputs.requireWritableDirectory(CliInputs.parentOf(index), "index parent");
        List<String> texts = CliInputs.texts(input);
        try (SimilarityModel<String> m = CliInputs.load(model)) {
            float[][] vectors = m.encode(texts, 64);
            org.quaterion.models.io.AtomicDirectory.write(index, TEXT_INDEX_KIND, dir -> {
                Files.write(dir.resolve("texts.txt"), texts, StandardCharsets.UTF_8);
                HnswIndex.build(dir.resolve("hnsw"), vectors, Distance.cosine(), HnswIndex.Config.defaults())
                        .close();
            });
        }
        System.out.printf(Locale.ROOT, "indexed %d texts in %s%n", texts.size(), index);
        return 0;
    }
}
