package org.quaterion.rerank.pairwise;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import java.util.List;
import java.util.function.BinaryOperator;

/**
 * How the two vectors of a pair become the input of the pairwise re-ranker's MLP: the parts chosen are
 * concatenated in the order given.
 */
public enum PairFeatures {
    /** {@code [a, b]} (OML's {@code ConcatSiamese}); order-dependent, width {@code 2d}. */
    CONCAT(2, (a, b) -> a.concat(b, 1)),
    /** {@code |a − b|}, symmetric, width {@code d}. */
    ABS_DIFF(1, (a, b) -> a.sub(b).abs()),
    /** {@code a ⊙ b}, symmetric, width {@code d}. */
    PRODUCT(1, NDArray::mul);

    private final int vectors;
    private final BinaryOperator<NDArray> part;

    PairFeatures(int vectors, BinaryOperator<NDArray> part) {
        this.vectors = vectors;
        this.part = part;
    }

    /** The width of this part for vectors of {@code dim}. */
    int width(int dim) {
        return vectors * dim;
    }

    /** This part for the rows of {@code a} and {@code b}, both {@code (n, d)}. */
    NDArray apply(NDArray a, NDArray b) {
        return part.apply(a, b);
    }

    /**
     * The MLP's input: the parts for each row pair, concatenated.
     *
     * @param parts the parts, in order
     * @param a {@code (n, d)}
     * @param b {@code (n, d)}
     * @return {@code (n, Σ width)}
     */
    static NDArray combine(List<PairFeatures> parts, NDArray a, NDArray b) {
        if (parts.size() == 1) {
            return parts.get(0).apply(a, b);
        }
        NDList list = new NDList(parts.size());
        for (PairFeatures p : parts) {
            list.add(p.apply(a, b));
        }
        return NDArrays.concat(list, 1);
    }

    /**
     * The MLP's input width.
     *
     * @param parts the parts
     * @param dim the vectors' size
     * @return the summed width
     */
    static int width(List<PairFeatures> parts, int dim) {
        int w = 0;
        for (PairFeatures p : parts) {
            w += p.width(dim);
        }
        return w;
    }
}
