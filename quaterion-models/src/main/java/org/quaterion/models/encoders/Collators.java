package org.quaterion.models.encoders;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/** Ready-made collators for common record types. */
public final class Collators {

    private Collators() {}

    /**
     * Stacks {@code float[]} records of equal length into one {@code (B, length)} FLOAT32 array.
     *
     * @return the collator
     */
    public static Collator<float[]> floatVectors() {
        return (records, manager) -> {
            int dim = checkedLength(records);
            float[] flat = new float[records.size() * dim];
            for (int i = 0; i < records.size(); i++) {
                System.arraycopy(records.get(i), 0, flat, i * dim, dim);
            }
            return new NDList(manager.create(flat, new Shape(records.size(), dim)));
        };
    }

    /**
     * Copies an array created from Java data into memory the engine allocated, and closes the original.
     *
     * <p>{@code manager.create(float[])} and friends wrap a JVM direct buffer, whose address modulo 64 differs from
     * run to run; libtorch's matrix kernels take alignment-dependent code paths, so the same seeded fit gave
     * different losses in different JVMs (measured: 2 sequences in 10 fresh JVMs, 1 in 30 after this copy). The
     * encoders and the cache pass their inputs through here; the copy costs one pass over the batch's input.
     *
     * @param array an array built from Java data
     * @return an engine-allocated copy in the same manager
     */
    public static NDArray ownedByEngine(NDArray array) {
        NDArray copy = array.duplicate();
        copy.setName(array.getName());
        array.close();
        return copy;
    }

    /**
     * {@link #ownedByEngine(NDArray)} for each array of a collated batch.
     *
     * @param arrays the collated batch
     * @return the engine-allocated copies, in order
     */
    public static NDList ownedByEngine(NDList arrays) {
        NDList out = new NDList(arrays.size());
        for (NDArray a : arrays) {
            out.add(ownedByEngine(a));
        }
        return out;
    }

    private static int checkedLength(List<float[]> records) {
        int dim = records.get(0).length;
        for (int i = 0; i < records.size(); i++) {
            float[] r = records.get(i);
            if (r.length != dim) {
                throw new IllegalArgumentException("record " + i + " has length " + r.length + " but record 0 has "
                        + dim + ": all vectors of a batch must have the same length");
            }
        }
        if (dim == 0) {
            throw new IllegalArgumentException("records are empty vectors: give vectors of length >= 1");
        }
        return dim;
    }
}
