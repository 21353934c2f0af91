package org.quaterion.search;

/**
 * How a {@link VectorIndex} holds its vectors in memory. A quantised index keeps only compact codes in memory and
 * scans them for {@code rescore × k} candidates, then ranks those candidates again by their exact float32 distances,
 * read on demand from the full-precision vectors it keeps on disk: hits always carry exact distances, and only which
 * items become candidates is approximate.
 */
public enum Quantization {

    /** Full-precision float32 vectors in memory (exact search or HNSW). */
    NONE,

    /**
     * One signed byte per dimension (of the distance's ranking form), calibrated per dimension: the minimum and maximum
     * of each dimension over the gallery at build map to codes −128 and 127. Four times smaller than float32; works
     * with cosine, dot product and Euclidean distances.
     */
    INT8,

    /**
     * One bit per dimension, packed eight per byte: the sign of the value minus its dimension's gallery mean, scored
     * against the float query weighted by the dimension's standard deviation. Thirty-two times smaller than float32;
     * for cosine and dot product (a sign keeps directions, not lengths, so it cannot rank Euclidean distances).
     */
    BINARY;

    /**
     * The bytes one vector's codes take.
     *
     * @param rankedDimension values per vector in the distance's ranking form
     * @return the bytes
     */
    long bytesPerVector(int rankedDimension) {
        return switch (this) {
            case NONE -> 4L * rankedDimension;
            case INT8 -> rankedDimension;
            case BINARY -> (rankedDimension + 7) / 8;
        };
    }

    /**
     * The name in index manifests: {@code none}, {@code int8} or {@code binary}.
     *
     * @return the name
     */
    String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
