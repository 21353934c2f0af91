package org.quaterion.models.encoders;

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

    private static int checkedLength(List<float[]> records) {
        List<?> raw = records; // a model loaded untyped can be handed records of another type: name it
        for (int i = 0; i < raw.size(); i++) {
            if (!(raw.get(i) instanceof float[])) {
                throw new IllegalArgumentException("Collators.floatVectors() takes float[] records, but record " + i
                        + " is a " + (raw.get(i) == null ? "null" : raw.get(i).getClass().getTypeName())
                        + ": encode float[] records with this model (load it with SimilarityModel.load(dir, "
                        + "float[].class))");
            }
        }
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
