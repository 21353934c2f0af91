package org.quaterion.search;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.quaterion.distance.Distance;
import org.quaterion.models.io.AtomicDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The approximate engine: a Lucene {@link HnswIndex}, optionally in a temporary directory removed on close. */
final class HnswNeighbours implements NearestNeighbours {

    private static final Logger LOG = LoggerFactory.getLogger(HnswNeighbours.class);

    private final HnswIndex index;
    private final int candidates;
    /** The temporary directory holding the index, removed on close; null for an index the caller placed. */
    private final Path temporary;

    HnswNeighbours(HnswIndex index, int candidates, Path temporary) {
        if (candidates < 1) {
            throw new IllegalArgumentException("candidates must be >= 1, got " + candidates);
        }
        this.index = index;
        this.candidates = candidates;
        this.temporary = temporary;
    }

    @Override
    public String engine() {
        return "hnsw";
    }

    @Override
    public int size() {
        return index.size();
    }

    @Override
    public Distance distance() {
        return index.distance();
    }

    @Override
    public KnnResult search(float[][] queries, int k) {
        try {
            return index.search(queries, k, Math.max(k, candidates));
        } catch (IOException e) {
            throw new UncheckedIOException("searching the HNSW index failed", e);
        }
    }

    @Override
    public KnnResult search(NDArray queries, int k) {
        return search(rows(queries), k);
    }

    @Override
    public void close() throws IOException {
        try {
            index.close();
        } finally {
            if (temporary != null) {
                removeTemporary(temporary);
            }
        }
    }

    /** The rows of a {@code (n, d)} array as float vectors. */
    static float[][] rows(NDArray vectors) {
        int n = Math.toIntExact(vectors.getShape().get(0));
        int d = Math.toIntExact(vectors.getShape().get(1));
        float[] flat = vectors.toType(DataType.FLOAT32, false).toFloatArray();
        float[][] out = new float[n][];
        for (int i = 0; i < n; i++) {
            out[i] = Arrays.copyOfRange(flat, i * d, (i + 1) * d);
        }
        return out;
    }

    /** Removes a temporary index directory; a failure is logged, as the search itself succeeded. */
    static void removeTemporary(Path dir) {
        try {
            AtomicDirectory.deleteRecursively(dir);
        } catch (IOException e) {
            LOG.warn("could not remove the temporary HNSW index {}: {}; delete it by hand", dir, e.toString());
        }
    }
}
