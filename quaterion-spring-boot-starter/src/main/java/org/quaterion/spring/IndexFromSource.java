package org.quaterion.spring;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.quaterion.models.SimilarityModel;
import org.quaterion.search.Payload;
import org.quaterion.search.VectorIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The index of {@code quaterion.index.source} (a JSONL catalogue, see {@link CatalogueFile}) at
 * {@code quaterion.index.path}: built at start-up when there is none (encoded in batches, progress logged every 10%,
 * saved atomically with a {@link SourceRecord} next to it), reused when its record matches the catalogue and the
 * servable, and otherwise rebuilt or refused as {@code quaterion.index.rebuild} says.
 */
final class IndexFromSource {

    private static final Logger LOG = LoggerFactory.getLogger(IndexFromSource.class);

    private IndexFromSource() {}

    /**
     * Opens or builds the index.
     *
     * @param model the servable that encodes the catalogue (and later the queries)
     * @param properties the settings: {@code quaterion.index.*}, the model's path and batch size
     * @return the open index
     * @throws IOException when reading the catalogue or writing the index fails
     * @throws IllegalArgumentException naming the catalogue line of a problem
     * @throws IllegalStateException when the catalogue is not a file, or an index exists that was not built from
     *     the catalogue and the rebuild policy is {@code if-changed}
     */
    static VectorIndex openOrBuild(SimilarityModel<String> model, QuaterionProperties properties) throws IOException {
        QuaterionProperties.Index settings = properties.getIndex();
        Path dir = settings.getPath();
        Path source = settings.getSource().toAbsolutePath().normalize();
        if (!Files.isRegularFile(source)) {
            throw new IllegalStateException("quaterion.index.source " + source + " is not a file");
        }
        if (!Files.exists(dir) || isEmptyDirectory(dir)) {
            return build(model, properties, source, dir, "no index at " + dir + " yet");
        }
        if (settings.getRebuild() == QuaterionProperties.Rebuild.ALWAYS) {
            return build(model, properties, source, dir, "quaterion.index.rebuild=always");
        }
        SourceRecord saved = SourceRecord.read(dir);
        String modelSha256 = SourceRecord.directorySha256(properties.getModel().getPath());
        String change;
        if (saved == null) {
            change = null;
        } else {
            String sourceSha256 = SourceRecord.fileSha256(source);
            change = new SourceRecord(source.toString(), sourceSha256, modelSha256).changeSince(saved);
        }
        if (settings.getRebuild() == QuaterionProperties.Rebuild.NEVER) {
            if (saved == null || change != null) {
                LOG.warn("serving the saved index at {} although {} (quaterion.index.rebuild=never; set it to "
                        + "if-changed to rebuild)", dir, saved == null
                                ? "no " + SourceRecord.file(dir) + " says it was built from " + source : change);
            }
            return VectorIndex.open(dir);
        }
        if (saved == null) {
            throw new IllegalStateException("the index at " + dir + " was not built from quaterion.index.source ("
                    + "there is no " + SourceRecord.file(dir) + "): remove it to build it from " + source + ", set "
                    + "quaterion.index.rebuild=always to replace it, or never to serve it as it is");
        }
        if (change != null) {
            return build(model, properties, source, dir, change);
        }
        LOG.info("reusing the index at {}: built from {} with this servable", dir, source);
        return VectorIndex.open(dir);
    }

    private static VectorIndex build(SimilarityModel<String> model, QuaterionProperties properties, Path source,
            Path dir, String why) throws IOException {
        long start = System.nanoTime();
        CatalogueFile.Catalogue catalogue = CatalogueFile.read(source);
        List<CatalogueFile.Item> items = catalogue.items();
        LOG.info("building the index at {} from {} ({} items): {}", dir, source, items.size(), why);
        int batch = Math.max(1, properties.getModel().getBatchSize());
        List<String> ids = new ArrayList<>(items.size());
        List<Payload> payloads = new ArrayList<>(items.size());
        float[][] vectors = new float[items.size()][];
        int logged = 0;
        for (int from = 0; from < items.size(); from += batch) {
            int to = Math.min(items.size(), from + batch);
            List<String> texts = new ArrayList<>(to - from);
            for (CatalogueFile.Item item : items.subList(from, to)) {
                ids.add(item.id());
                payloads.add(item.payload());
                texts.add(item.text());
            }
            float[][] encoded = model.encode(texts, batch);
            System.arraycopy(encoded, 0, vectors, from, encoded.length);
            int percent = (int) (100L * to / items.size());
            if (percent / 10 > logged / 10 || to == items.size()) {
                logged = percent;
                LOG.info("encoded {} of {} items ({}%)", to, items.size(), percent);
            }
        }
        VectorIndex index = VectorIndex.build(dir, ids, vectors, payloads, VectorIndex.Config.defaults());
        try {
            new SourceRecord(source.toString(), catalogue.sha256(),
                    SourceRecord.directorySha256(properties.getModel().getPath())).write(dir);
        } catch (IOException | RuntimeException e) {
            index.close();
            throw e;
        }
        LOG.info("built the index at {} ({} items) in {} s", dir, items.size(),
                String.format("%.1f", (System.nanoTime() - start) / 1e9));
        return index;
    }

    private static boolean isEmptyDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }
}
