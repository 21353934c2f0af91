package org.quaterion.search;

import ai.djl.ndarray.NDArray;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.quaterion.distance.Distance;

/**
 * A gallery of vectors answering k-nearest-neighbour queries with gallery row numbers and distances (smaller =
 * closer), by one of two engines: exact ({@link ExactKnn} on a prepared gallery) or approximate (a Lucene
 * {@link HnswIndex}). {@link #build} picks the engine from a {@link VectorIndex.Config} as {@link VectorIndex} does,
 * so an in-process search (hard-negative mining) and a saved index agree on when HNSW is used. Searching is
 * thread-safe; close it to free the gallery (and the temporary index files of {@link #build}).
 */
public interface NearestNeighbours extends AutoCloseable {

    /**
     * An exact engine over a copy of the gallery in the search's ranking form (owned by a sub-manager of the
     * gallery's manager; the gallery itself may be closed afterwards).
     *
     * @param gallery {@code (n, d)} finite vectors, at least one row
     * @param distance the distance
     * @return the engine
     * @throws IllegalArgumentException when the gallery is empty or holds a non-finite value
     */
    static NearestNeighbours exact(NDArray gallery, Distance distance) {
        return new ExactNeighbours(gallery, distance);
    }

    /**
     * An approximate engine over an open HNSW index, which it closes when closed.
     *
     * @param index the index
     * @param candidates graph nodes explored per query (at least k are), at least 1
     * @return the engine
     */
    static NearestNeighbours hnsw(HnswIndex index, int candidates) {
        return new HnswNeighbours(index, candidates, null);
    }

    /**
     * The engine the settings choose for a gallery of this size: exact up to {@link VectorIndex.Config#hnswThreshold()}
     * rows, above it an HNSW index built with {@link VectorIndex.Config#hnsw()} in a temporary directory that
     * {@link #close()} removes. A gallery in memory is searched in full precision: {@link VectorIndex.Config#quantization()}
     * applies to a saved {@link VectorIndex}, whose full-precision vectors stay on disk, and is ignored here (with
     * {@link Quantization#NONE}'s threshold for HNSW).
     *
     * @param gallery {@code (n, d)} finite vectors, at least one row
     * @param config the distance, the threshold and the HNSW settings
     * @return the engine
     * @throws IOException when the temporary HNSW index cannot be written
     */
    static NearestNeighbours build(NDArray gallery, VectorIndex.Config config) throws IOException {
        if (!config.withQuantization(Quantization.NONE, 1).usesHnsw(gallery.getShape().get(0))) {
            return exact(gallery, config.distance());
        }
        Path dir = Files.createTempDirectory("quaterion-neighbours-");
        try {
            HnswIndex index = HnswIndex.build(dir.resolve("index"), HnswNeighbours.rows(gallery), config.distance(),
                    config.hnsw());
            return new HnswNeighbours(index, config.candidates(), dir);
        } catch (IOException | RuntimeException e) {
            HnswNeighbours.removeTemporary(dir);
            throw e;
        }
    }

    /**
     * Which engine answers.
     *
     * @return {@code "exact"} or {@code "hnsw"}
     */
    String engine();

    /**
     * The native memory held for the gallery: the prepared float32 copy of the exact engine, the codes of a quantised
     * one; HNSW holds none (Lucene reads its files through the page cache). An engine that does not say returns 0.
     *
     * @return bytes
     */
    default long memoryBytes() {
        return 0;
    }

    /**
     * Number of gallery rows.
     *
     * @return the count
     */
    int size();

    /**
     * The distance of the results.
     *
     * @return the distance
     */
    Distance distance();

    /**
     * The k nearest gallery rows of each query.
     *
     * @param queries {@code [m][d]}
     * @param k results per query, at least 1
     * @return rows and distances, nearest first (-1 / +∞ where fewer than k rows exist)
     */
    KnnResult search(float[][] queries, int k);

    /**
     * The k nearest gallery rows of each query.
     *
     * @param queries {@code (m, d)}
     * @param k results per query, at least 1
     * @return rows and distances, nearest first (-1 / +∞ where fewer than k rows exist)
     */
    KnnResult search(NDArray queries, int k);

    /**
     * Frees the gallery (and removes the temporary files of {@link #build}) once the searches in flight have ended.
     *
     * @throws IOException when closing the index files fails
     */
    @Override
    void close() throws IOException;
}
