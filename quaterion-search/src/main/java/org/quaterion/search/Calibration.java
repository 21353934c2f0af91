package org.quaterion.search;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.Arrays;
import org.quaterion.models.io.CorruptArtifactException;
import org.quaterion.models.io.JsonFields;

/**
 * The per-dimension constants that turn ranking-form vectors into codes, measured once over the gallery at build and
 * stored in the index manifest, so that opening the index encodes the same vectors into the same codes. For
 * {@link Quantization#INT8}, {@code offset} is each dimension's minimum and {@code scale} the step
 * {@code (max − min) / 255} (1 for a constant dimension); for {@link Quantization#BINARY}, {@code offset} is each
 * dimension's mean and {@code scale} its standard deviation.
 *
 * @param kind INT8 or BINARY
 * @param offset per dimension
 * @param scale per dimension, positive for INT8, non-negative for BINARY
 */
record Calibration(Quantization kind, float[] offset, float[] scale) {

    /** Checks the constants. */
    Calibration {
        if (kind == null || kind == Quantization.NONE) {
            throw new IllegalArgumentException("a calibration is for INT8 or BINARY codes, got " + kind);
        }
        if (offset.length != scale.length || offset.length == 0) {
            throw new IllegalArgumentException("offset and scale need one value per dimension, got " + offset.length
                    + " and " + scale.length);
        }
        for (int j = 0; j < offset.length; j++) {
            boolean scaleOk = kind == Quantization.INT8 ? scale[j] > 0 : scale[j] >= 0;
            if (!Float.isFinite(offset[j]) || !Float.isFinite(scale[j]) || !scaleOk) {
                throw new IllegalArgumentException("dimension " + j + " has offset " + offset[j] + " and scale "
                        + scale[j] + ": " + kind.label() + " codes need a finite offset and a finite "
                        + (kind == Quantization.INT8 ? "positive" : "non-negative") + " scale");
            }
        }
    }

    /** Values per vector in ranking form. */
    int dimension() {
        return offset.length;
    }

    /**
     * Per-dimension statistics accumulated chunk by chunk: minimum, maximum, sum and sum of squares.
     */
    static final class Fit {
        private final Quantization kind;
        private final double[] min;
        private final double[] max;
        private final double[] sum;
        private final double[] squares;
        private long rows;

        /**
         * Starts an empty fit.
         *
         * @param kind INT8 or BINARY
         * @param dimension values per ranking-form vector
         */
        Fit(Quantization kind, int dimension) {
            this.kind = kind;
            this.min = new double[dimension];
            this.max = new double[dimension];
            this.sum = new double[dimension];
            this.squares = new double[dimension];
            Arrays.fill(min, Double.POSITIVE_INFINITY);
            Arrays.fill(max, Double.NEGATIVE_INFINITY);
        }

        /**
         * Adds rows.
         *
         * @param ranked {@code (m, dimension)} ranking-form vectors
         */
        void add(NDArray ranked) {
            try (NDScope scope = new NDScope()) {
                NDArray x = ranked.toType(DataType.FLOAT64, false);
                double[] lo = x.min(new int[] {0}).toDoubleArray();
                double[] hi = x.max(new int[] {0}).toDoubleArray();
                double[] s = x.sum(new int[] {0}).toDoubleArray();
                double[] q = x.square().sum(new int[] {0}).toDoubleArray();
                for (int j = 0; j < min.length; j++) {
                    min[j] = Math.min(min[j], lo[j]);
                    max[j] = Math.max(max[j], hi[j]);
                    sum[j] += s[j];
                    squares[j] += q[j];
                }
                rows += ranked.getShape().get(0);
            }
        }

        /**
         * The calibration of the rows added.
         *
         * @return the constants
         */
        Calibration result() {
            int d = min.length;
            float[] offset = new float[d];
            float[] scale = new float[d];
            for (int j = 0; j < d; j++) {
                if (kind == Quantization.INT8) {
                    offset[j] = (float) min[j];
                    float step = (float) ((max[j] - min[j]) / 255.0);
                    scale[j] = step > 0 && Float.isFinite(step) ? step : 1f;
                } else {
                    double mean = sum[j] / rows;
                    offset[j] = (float) mean;
                    scale[j] = (float) Math.sqrt(Math.max(0, squares[j] / rows - mean * mean));
                }
            }
            return new Calibration(kind, offset, scale);
        }
    }

    /**
     * Measures a gallery's calibration, chunk by chunk.
     *
     * @param kind INT8 or BINARY
     * @param distance the distance whose ranking form is coded
     * @param vectors {@code [n][d]} finite vectors
     * @return the constants
     */
    static Calibration fit(Quantization kind, org.quaterion.distance.Distance distance, float[][] vectors) {
        InnerProductRanking ranking = InnerProductRanking.of(distance);
        int d = vectors[0].length;
        int chunk = Math.max(1, (1 << 22) / d);
        Fit fit = null;
        try (ai.djl.ndarray.NDManager manager = ai.djl.ndarray.NDManager.newBaseManager()) {
            for (int from = 0; from < vectors.length; from += chunk) {
                int to = Math.min(vectors.length, from + chunk);
                try (NDScope scope = new NDScope()) {
                    NDArray ranked = ranking.gallery(manager.create(java.util.Arrays.copyOfRange(vectors, from, to)));
                    if (fit == null) {
                        fit = new Fit(kind, Math.toIntExact(ranked.getShape().get(1)));
                    }
                    fit.add(ranked);
                }
            }
        }
        return fit.result();
    }

    /**
     * The manifest form: {@code {"kind", "offset": [...], "scale": [...]}}.
     *
     * @return the JSON object
     */
    JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("kind", kind.label());
        o.add("offset", array(offset));
        o.add("scale", array(scale));
        return o;
    }

    /**
     * Reads the manifest form.
     *
     * @param o the object
     * @param kind the quantisation the manifest names
     * @param dimension the ranking-form dimension the index needs
     * @param file the manifest (for messages)
     * @return the calibration
     * @throws CorruptArtifactException when a value is missing, of the wrong count or out of range
     */
    static Calibration fromJson(JsonObject o, Quantization kind, int dimension, Path file) {
        String named = JsonFields.string(o, "kind", file);
        if (!named.equals(kind.label())) {
            throw new CorruptArtifactException(file, "calibrates " + named + " codes for a " + kind.label() + " index:"
                    + " the file is damaged; rebuild the index");
        }
        float[] offset = floats(JsonFields.array(o, "offset", file), dimension, "offset", file);
        float[] scale = floats(JsonFields.array(o, "scale", file), dimension, "scale", file);
        try {
            return new Calibration(kind, offset, scale);
        } catch (IllegalArgumentException e) {
            throw new CorruptArtifactException(file, "holds an unusable calibration (" + e.getMessage() + "); rebuild"
                    + " the index", e);
        }
    }

    private static JsonArray array(float[] values) {
        JsonArray a = new JsonArray(values.length);
        for (float v : values) {
            a.add(v);
        }
        return a;
    }

    private static float[] floats(JsonArray a, int dimension, String key, Path file) {
        if (a.size() != dimension) {
            throw new CorruptArtifactException(file, "has " + a.size() + " calibration " + key + " values for "
                    + dimension + " dimensions: the file is damaged; rebuild the index");
        }
        float[] out = new float[dimension];
        for (int j = 0; j < dimension; j++) {
            JsonElement e = a.get(j);
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
                throw new CorruptArtifactException(file, "calibration " + key + "[" + j + "] is " + e + ", not a "
                        + "number: the file is damaged; rebuild the index");
            }
            out[j] = e.getAsFloat();
        }
        return out;
    }
}
