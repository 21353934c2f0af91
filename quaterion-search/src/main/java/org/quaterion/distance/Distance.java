package org.quaterion.distance;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import com.google.gson.JsonObject;
import java.util.Locale;
import org.quaterion.models.tensor.Scalars;

/**
 * A distance between embeddings, in matrix form ({@code (n, m)} for two sets) and row-wise form ({@code (n)} for
 * paired rows), on ONE scale shared by both forms, with the matching similarity.
 *
 * <table>
 *   <caption>Distances (before {@link #scaled scaling})</caption>
 *   <tr><th>kind</th><th>distance d(x, y)</th><th>similarity s</th></tr>
 *   <tr><td>COSINE</td><td>1 − cos(x, y) ∈ [0, 2]</td><td>1 − d (= cos when unscaled)</td></tr>
 *   <tr><td>DOT_PRODUCT</td><td>−x·y</td><td>−d = x·y</td></tr>
 *   <tr><td>EUCLIDEAN</td><td>‖x − y‖₂</td><td>1 / (1 + d)</td></tr>
 *   <tr><td>SQUARED_EUCLIDEAN</td><td>‖x − y‖₂²</td><td>1 / (1 + d)</td></tr>
 *   <tr><td>MANHATTAN</td><td>‖x − y‖₁</td><td>1 / (1 + d)</td></tr>
 *   <tr><td>SNR</td><td>var(x − y) / var(x) (not symmetric)</td><td>1 / (1 + d)</td></tr>
 * </table>
 *
 * <p>Mapping to the peers: Quaterion's cosine {@code distance} (row-wise) is {@code cosine()}, but its
 * {@code distance_matrix} is {@code cosine().scaled(0.5)} = (1 − cos)/2 and its {@code similarity_matrix} is that
 * distance's similarity (1 + cos)/2; Quaterion mixes the two scales (its "scale trap"), we never do. PML's
 * {@code LpDistance(normalize_embeddings=True)} is {@code euclidean().normalized()}, {@code power=2} is
 * {@code squaredEuclidean()}, {@code CosineSimilarity} is the similarity of {@code cosine()} and
 * {@code DotProductSimilarity} (which normalises by default) that of {@code dotProduct().normalized()}, and
 * {@code SNRDistance} (which normalises by default) is {@code snr().normalized()}. PML's row-wise {@code pairwise_distance} skips the
 * normalisation and the power its matrix form applies (so its cosine "pairwise" is a raw dot product); ours normalises in both
 * forms. Quaterion's and PML's row-wise L_p use torch's {@code pairwise_distance}, which adds 1e-6 to
 * {@code x − y}; ours is exact (the two agree to ~1e-6 relative).
 *
 * <p>The Euclidean distance has an exact 0 value and a finite (zero) gradient at zero distance. Immutable and
 * thread-safe.
 */
public final class Distance {

    /** The family of a distance. */
    public enum Kind {
        /** 1 − cosine similarity. */
        COSINE,
        /** Negative dot product. */
        DOT_PRODUCT,
        /** L2 distance. */
        EUCLIDEAN,
        /** Squared L2 distance. */
        SQUARED_EUCLIDEAN,
        /** L1 distance. */
        MANHATTAN,
        /** Signal-to-noise ratio {@code var(x − y) / var(x)} (Yuan et al. 2019), not symmetric. */
        SNR
    }

    private final Kind kind;
    private final boolean normalize;
    private final double scale;

    private Distance(Kind kind, boolean normalize, double scale) {
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("distance scale must be a positive finite number, got " + scale);
        }
        this.kind = kind;
        this.normalize = normalize || kind == Kind.COSINE;
        this.scale = scale;
    }

    /**
     * Cosine distance {@code 1 − cos}.
     *
     * @return the distance
     */
    public static Distance cosine() {
        return new Distance(Kind.COSINE, true, 1.0);
    }

    /**
     * Negative dot product {@code −x·y} (similarity {@code x·y}).
     *
     * @return the distance
     */
    public static Distance dotProduct() {
        return new Distance(Kind.DOT_PRODUCT, false, 1.0);
    }

    /**
     * Euclidean distance {@code ‖x − y‖₂}.
     *
     * @return the distance
     */
    public static Distance euclidean() {
        return new Distance(Kind.EUCLIDEAN, false, 1.0);
    }

    /**
     * Squared Euclidean distance {@code ‖x − y‖₂²}.
     *
     * @return the distance
     */
    public static Distance squaredEuclidean() {
        return new Distance(Kind.SQUARED_EUCLIDEAN, false, 1.0);
    }

    /**
     * Manhattan distance {@code ‖x − y‖₁}.
     *
     * @return the distance
     */
    public static Distance manhattan() {
        return new Distance(Kind.MANHATTAN, false, 1.0);
    }

    /**
     * The signal-to-noise-ratio distance of Yuan et al. 2019 (arXiv 1904.02616), PML's {@code SNRDistance}:
     * {@code d(x, y) = var(x − y) / var(x)}, the variance of the noise {@code y − x} over the variance of the anchor's
     * signal, each over the embedding's components. Not symmetric: the row's (anchor's) variance is the denominator.
     * PML's {@code SNRDistance()} normalises first: {@code snr().normalized()}. An anchor whose components are all
     * equal (zero variance) has no defined ratio and is refused.
     *
     * @return the distance
     */
    public static Distance snr() {
        return new Distance(Kind.SNR, false, 1.0);
    }

    /**
     * Looks a distance up by name: {@code cosine}, {@code dot_product}, {@code euclidean},
     * {@code squared_euclidean}, {@code manhattan} (Quaterion's names), {@code snr}.
     *
     * @param name the name
     * @return the distance
     */
    public static Distance byName(String name) {
        for (Kind k : Kind.values()) {
            if (k.name().toLowerCase(Locale.ROOT).equals(name)) {
                return new Distance(k, false, 1.0);
            }
        }
        throw new IllegalArgumentException("unknown distance '" + name + "': use cosine, dot_product, euclidean, "
                + "squared_euclidean, manhattan or snr");
    }

    /**
     * Rebuilds a distance from its {@link #config()} ({@code name}, {@code normalize}, {@code scale}); the result
     * equals the original. A bare name (the format before configs) gives the unnormalised, unscaled distance.
     *
     * @param config the config object
     * @return the distance
     * @throws IllegalArgumentException when the name is unknown or the scale is not a finite positive number
     */
    public static Distance fromConfig(com.google.gson.JsonObject config) {
        if (config == null || !config.has("name") || !config.get("name").isJsonPrimitive()) {
            throw new IllegalArgumentException("a distance config needs a \"name\", got " + config);
        }
        Distance d = byName(config.get("name").getAsString());
        if (config.has("normalize") && config.get("normalize").getAsBoolean()) {
            d = d.normalized();
        }
        double scale = config.has("scale") ? config.get("scale").getAsDouble() : 1.0;
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("a distance's scale must be a finite number > 0, got " + scale);
        }
        return scale == 1.0 ? d : d.scaled(scale);
    }

    /**
     * The same distance computed on L2-normalised embeddings (PML's {@code normalize_embeddings=True}).
     *
     * @return a new distance
     */
    public Distance normalized() {
        return new Distance(kind, true, scale);
    }

    /**
     * The same distance multiplied by {@code factor} in every form (e.g. {@code cosine().scaled(0.5)} is Quaterion's
     * cosine {@code distance_matrix}).
     *
     * @param factor a positive factor
     * @return a new distance
     */
    public Distance scaled(double factor) {
        return new Distance(kind, normalize, scale * factor);
    }

    /**
     * The family.
     *
     * @return the kind
     */
    public Kind kind() {
        return kind;
    }

    /**
     * Whether embeddings are L2-normalised first (always for cosine).
     *
     * @return true if normalised
     */
    public boolean isNormalized() {
        return normalize;
    }

    /**
     * The factor applied to the raw distance.
     *
     * @return the scale
     */
    public double scale() {
        return scale;
    }

    private NDArray prepare(NDArray x) {
        return normalize ? x.normalize(2, 1, 1e-12) : x;
    }

    /**
     * The distance matrix between two sets of embeddings.
     *
     * @param x {@code (n, d)}
     * @param y {@code (m, d)}
     * @return {@code (n, m)} distances
     */
    public NDArray matrix(NDArray x, NDArray y) {
        checkShapes(x, y, false);
        NDArray a = prepare(x);
        NDArray b = y == x ? a : prepare(y);
        return switch (kind) { // scale folded into the cosine and dot-product formulas: one pass fewer
            case COSINE -> scale == 1.0 ? gram(a, b).neg().add(1) : Scalars.mul(gram(a, b), -scale).add(scale);
            case DOT_PRODUCT -> scale == 1.0 ? gram(a, b).neg() : Scalars.mul(gram(a, b), -scale);
            case EUCLIDEAN -> scaled(safeSqrt(squaredMatrix(a, b)));
            case SQUARED_EUCLIDEAN -> scaled(squaredMatrix(a, b));
            case MANHATTAN -> scaled(a.expandDims(1).sub(b.expandDims(0)).abs().sum(new int[] {2}));
            case SNR -> scaled(snrMatrix(a, b));
        };
    }

    private NDArray scaled(NDArray d) {
        return scale == 1.0 ? d : Scalars.mul(d, scale);
    }

    /**
     * The distance matrix of a set with itself.
     *
     * @param x {@code (n, d)}
     * @return {@code (n, n)} distances
     */
    public NDArray matrix(NDArray x) {
        return matrix(x, x);
    }

    /**
     * Row-wise distances between paired rows.
     *
     * @param x {@code (n, d)}
     * @param y {@code (n, d)}
     * @return {@code (n)} distances, {@code d(x_i, y_i)}
     */
    public NDArray rowwise(NDArray x, NDArray y) {
        checkShapes(x, y, true);
        NDArray a = prepare(x);
        NDArray b = prepare(y);
        NDArray d = switch (kind) {
            case COSINE -> a.mul(b).sum(new int[] {1}).neg().add(1);
            case DOT_PRODUCT -> a.mul(b).sum(new int[] {1}).neg();
            case EUCLIDEAN -> safeSqrt(a.sub(b).square().sum(new int[] {1}));
            case SQUARED_EUCLIDEAN -> a.sub(b).square().sum(new int[] {1});
            case MANHATTAN -> a.sub(b).abs().sum(new int[] {1});
            case SNR -> {
                NDArray ac = centred(a);
                yield ac.sub(centred(b)).square().sum(new int[] {1}).div(signal(ac).squeeze(1));
            }
        };
        return scaled(d);
    }

    /**
     * Converts distances of this kind (and scale) to similarities.
     *
     * @param distances any shape
     * @return similarities, larger = more similar
     */
    public NDArray toSimilarity(NDArray distances) {
        return switch (kind) {
            case COSINE -> distances.neg().add(1);
            case DOT_PRODUCT -> distances.neg();
            case EUCLIDEAN, SQUARED_EUCLIDEAN, MANHATTAN, SNR -> Scalars.pow(distances.add(1), -1);
        };
    }

    /**
     * The similarity matrix: {@code toSimilarity(matrix(x, y))}.
     *
     * @param x {@code (n, d)}
     * @param y {@code (m, d)}
     * @return {@code (n, m)} similarities
     */
    public NDArray similarityMatrix(NDArray x, NDArray y) {
        if (kind == Kind.COSINE || kind == Kind.DOT_PRODUCT) {
            checkShapes(x, y, false);
            NDArray a = prepare(x);
            NDArray g = gram(a, y == x ? a : prepare(y));
            // cosine: 1 − scale·(1 − g); dot product: scale·g — without building the distance first
            NDArray scaledG = scale == 1.0 ? g : Scalars.mul(g, scale);
            return kind == Kind.COSINE && scale != 1.0 ? scaledG.add(1 - scale) : scaledG;
        }
        return toSimilarity(matrix(x, y));
    }

    /**
     * Row-wise similarities: {@code toSimilarity(rowwise(x, y))}.
     *
     * @param x {@code (n, d)}
     * @param y {@code (n, d)}
     * @return {@code (n)} similarities
     */
    public NDArray similarityRowwise(NDArray x, NDArray y) {
        return toSimilarity(rowwise(x, y));
    }

    /**
     * {@code a·bᵀ}. For a set against itself the product is built as {@code A + Aᵀ − stop(A)} with
     * {@code A = a·stop(a)ᵀ}: the same value, and the exact gradient {@code (G + Gᵀ)·a} with one matrix product in
     * the backward pass instead of two.
     */
    private static NDArray gram(NDArray a, NDArray b) {
        // always the trick for a set against itself: NDArray.hasGradient() is false for intermediate arrays (the
        // normalised embeddings of a loss), so it cannot tell a graph from none
        if (a != b) {
            return a.matMul(b.transpose());
        }
        NDArray half = a.matMul(a.stopGradient().transpose());
        return half.add(half.transpose()).sub(half.stopGradient());
    }

    private static NDArray squaredMatrix(NDArray a, NDArray b) {
        NDArray aa = a.square().sum(new int[] {1}, true);
        NDArray bb = a == b ? aa.transpose() : b.square().sum(new int[] {1}, true).transpose();
        return Scalars.max(aa.add(bb).sub(Scalars.mul(gram(a, b), 2)), 0);
    }

    /**
     * {@code var(x_i − y_j) / var(x_i)} for every row pair. With {@code x̃ = x − mean(x)} (per row) the noise
     * {@code (x − y) − mean(x − y)} is {@code x̃ − ỹ}, so {@code D·var(x − y) = ‖x̃ − ỹ‖²} (a squared-L2 matrix of the
     * centred rows, O(n·m) memory) and {@code D·var(x) = ‖x̃‖²}; the factor D (or D − 1, torch's unbiased variance)
     * cancels in the ratio.
     */
    private static NDArray snrMatrix(NDArray a, NDArray b) {
        NDArray ac = centred(a);
        NDArray bc = a == b ? ac : centred(b);
        return squaredMatrix(ac, bc).div(signal(ac));
    }

    private static NDArray centred(NDArray x) {
        return x.sub(x.mean(new int[] {1}, true));
    }

    /** {@code ‖x̃‖²} per row as {@code (n, 1)}, refusing a row of zero variance (its ratio is undefined). */
    private static NDArray signal(NDArray centred) {
        NDArray s = centred.square().sum(new int[] {1}, true);
        if (s.eq(0).any().getBoolean()) {
            throw new IllegalArgumentException("the SNR distance is undefined for an embedding whose components are "
                    + "all equal (zero variance, e.g. a 1-d embedding); use another distance or embeddings of "
                    + "dimension >= 2 that vary");
        }
        return s;
    }

    /** sqrt with value 0 and gradient 0 where the argument is 0 (no NaN, no infinity). */
    private static NDArray safeSqrt(NDArray squared) {
        NDArray positive = squared.gt(0);
        NDArray safe = NDArrays.where(positive, squared, Scalars.of(squared, 1));
        return NDArrays.where(positive, safe.sqrt(), Scalars.of(squared, 0));
    }

    private static void checkShapes(NDArray x, NDArray y, boolean sameRows) {
        if (x.getShape().dimension() != 2 || y.getShape().dimension() != 2) {
            throw new IllegalArgumentException("distances need 2-d embeddings (n, d), got " + x.getShape() + " and "
                    + y.getShape());
        }
        if (x.getShape().get(1) != y.getShape().get(1)) {
            throw new IllegalArgumentException("embedding sizes differ: " + x.getShape() + " vs " + y.getShape());
        }
        if (sameRows && x.getShape().get(0) != y.getShape().get(0)) {
            throw new IllegalArgumentException("row-wise distances need the same number of rows, got "
                    + x.getShape() + " and " + y.getShape());
        }
    }

    /**
     * The JSON config: {@code name}, {@code normalize}, {@code scale}.
     *
     * @return a new object
     */
    public JsonObject config() {
        JsonObject json = new JsonObject();
        json.addProperty("name", kind.name().toLowerCase(Locale.ROOT));
        json.addProperty("normalize", normalize);
        json.addProperty("scale", scale);
        return json;
    }

    @Override
    public String toString() {
        return "Distance" + config();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Distance d && d.kind == kind && d.normalize == normalize && d.scale == scale;
    }

    @Override
    public int hashCode() {
        return kind.hashCode() * 31 + Boolean.hashCode(normalize) * 7 + Double.hashCode(scale);
    }
}
