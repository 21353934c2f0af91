package org.quaterion.loss.score;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The groups of a batch of scored pairs, in order of first appearance, and their padded layout: a {@code (G, M)}
 * matrix whose row g holds group g's rows in batch order followed by padding ({@code M} the largest group). The
 * losses compute on that matrix with masks, as sentence-transformers computes on its padded (queries, documents)
 * matrix; only this index bookkeeping runs in Java.
 */
final class ScoreGroups {

    private final int rows;
    private final long[] ids;
    private final int[][] members;
    private final int width;

    /**
     * Lays out the groups.
     *
     * @param ids each row's group id
     */
    ScoreGroups(long[] ids) {
        Map<Long, List<Integer>> byId = new LinkedHashMap<>();
        for (int i = 0; i < ids.length; i++) {
            byId.computeIfAbsent(ids[i], k -> new ArrayList<>()).add(i);
        }
        this.rows = ids.length;
        this.ids = byId.keySet().stream().mapToLong(Long::longValue).toArray();
        this.members = byId.values().stream().map(l -> l.stream().mapToInt(Integer::intValue).toArray())
                .toArray(int[][]::new);
        int w = 0;
        for (int[] m : members) {
            w = Math.max(w, m.length);
        }
        this.width = w;
    }

    /**
     * The number of groups.
     *
     * @return G
     */
    int count() {
        return members.length;
    }

    /**
     * The size of the largest group.
     *
     * @return M
     */
    int width() {
        return width;
    }

    /**
     * The id of one group, for messages.
     *
     * @param g the group, in order of first appearance
     * @return its id
     */
    long id(int g) {
        return ids[g];
    }

    /**
     * The rows of one group, in batch order.
     *
     * @param g the group, in order of first appearance
     * @return its rows (not to be modified)
     */
    int[] members(int g) {
        return members[g];
    }

    /**
     * Values per row laid out as the padded matrix, differentiable with respect to {@code values}.
     *
     * @param values {@code (n)} values
     * @return {@code (G, M)}: group g's values in its first slots, 0 in the padding
     */
    NDArray pad(NDArray values) {
        NDManager m = values.getManager();
        long[] index = new long[members.length * width];
        java.util.Arrays.fill(index, rows); // the appended zero
        for (int g = 0; g < members.length; g++) {
            for (int j = 0; j < members[g].length; j++) {
                index[g * width + j] = members[g][j];
            }
        }
        NDArray withZero = NDArrays.concat(new NDList(values, m.zeros(new Shape(1), values.getDataType())));
        return withZero.get(indices(m, index)).reshape(members.length, width);
    }

    /**
     * Constant values per row laid out as the padded matrix.
     *
     * @param values {@code (n)} values
     * @param m the manager of the result
     * @param type its type
     * @return {@code (G, M)}, 0 in the padding
     */
    NDArray pad(double[] values, NDManager m, DataType type) {
        double[] out = new double[members.length * width];
        for (int g = 0; g < members.length; g++) {
            for (int j = 0; j < members[g].length; j++) {
                out[g * width + j] = values[members[g][j]];
            }
        }
        return constants(m, out, new Shape(members.length, width), type);
    }

    /**
     * Which slots of the padded matrix hold a row.
     *
     * @param m the manager of the result
     * @return {@code (G, M)} booleans
     */
    NDArray valid(NDManager m) {
        boolean[] out = new boolean[members.length * width];
        for (int g = 0; g < members.length; g++) {
            java.util.Arrays.fill(out, g * width, g * width + members[g].length, true);
        }
        return mask(m, out, new Shape(members.length, width));
    }

    /**
     * Whole numbers as an int64 array in engine-owned memory. An array made from Java values points into a Java
     * direct buffer; autograd keeps index and mask arrays for the backward pass, which may run after the array's
     * handle is closed (a scope ends) and a garbage collection frees that buffer. A copy made by the engine is safe.
     *
     * @param m the manager of the result
     * @param values the values
     * @return a new array
     */
    static NDArray indices(NDManager m, long[] values) {
        try (NDArray wrapped = m.create(values)) {
            return wrapped.duplicate();
        }
    }

    /**
     * Real numbers as an array of the given type in engine-owned memory (see {@link #indices}).
     *
     * @param m the manager of the result
     * @param values the values, row-major
     * @param shape the shape
     * @param type float32 or float64
     * @return a new array
     */
    static NDArray constants(NDManager m, double[] values, Shape shape, DataType type) {
        try (NDArray wrapped = m.create(values, shape)) {
            // a cast allocates engine memory; for the same type, toType(type, true) would alias the buffer
            return type == wrapped.getDataType() ? wrapped.duplicate() : wrapped.toType(type, false);
        }
    }

    /**
     * Booleans as an array in engine-owned memory (see {@link #indices}).
     *
     * @param m the manager of the result
     * @param values the values, row-major
     * @param shape the shape
     * @return a new array
     */
    static NDArray mask(NDManager m, boolean[] values, Shape shape) {
        try (NDArray wrapped = m.create(values, shape)) {
            return wrapped.duplicate();
        }
    }
}
