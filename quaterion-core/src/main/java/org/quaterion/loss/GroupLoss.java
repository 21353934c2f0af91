package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import com.google.gson.JsonObject;
import org.quaterion.distance.Distance;
import org.quaterion.miner.IndexTuples;
import org.quaterion.reducer.Reducer;
import org.quaterion.settings.Configurable;
import org.quaterion.settings.Settings;

/**
 * A loss over embeddings with group (class) labels, Quaterion's {@code GroupLoss}; the base runs PML's pipeline:
 * validate, (optionally) take mined tuples and reference embeddings, compute the unreduced {@link LossTerms}, reduce
 * them with the loss's {@link Reducer}.
 *
 * <p>As in PML the base holds the {@link Distance} and the {@link Reducer}; a subclass passes what the user gave
 * (null for "the default") and states its defaults by overriding {@link #defaultDistance()} and
 * {@link #defaultReducer()}. A loss whose reference defines its own reduction (Quaterion's {@code TripletLoss},
 * {@code ProxyAnchorLoss}, …) has no reducer and returns {@link LossTerms#reduced}.
 *
 * <p>Inputs: embeddings {@code (n, d)}, groups {@code (n)} integers. Output: a scalar that never scales with the
 * batch size and is a graph-connected 0 (finite gradient) when nothing can be learned. Bad input (wrong shapes,
 * NaN/Inf, non-integer labels) raises {@link IllegalArgumentException}. Losses with parameters (class weights,
 * proxies, centres) expose them through {@link #parameters()} so a trainer optimises them automatically.
 */
public abstract class GroupLoss implements SimilarityLoss, Configurable {

    private final Settings settings;
    private final Distance distance;
    private final Reducer reducer;

    /** Creates the loss with {@link #defaultDistance()} and {@link #defaultReducer()}. */
    protected GroupLoss() {
        this(null, null);
    }

    /**
     * Creates the loss with its distance and reducer.
     *
     * @param distance the distance, or null for {@link #defaultDistance()}
     * @param reducer the reducer, or null for {@link #defaultReducer()}
     */
    protected GroupLoss(Distance distance, Reducer reducer) {
        this(null, distance, reducer);
    }

    /**
     * Creates the loss from its declared settings: the distance and the reducer are its {@code distance} and
     * {@code reducer} settings when it declares them, else {@link #defaultDistance()} and {@link #defaultReducer()}.
     *
     * @param settings the validated settings; {@link #config()} writes them
     */
    protected GroupLoss(Settings settings) {
        this(settings, settings.find("distance", Distance.class), settings.find("reducer", Reducer.class));
    }

    private GroupLoss(Settings settings, Distance distance, Reducer reducer) {
        this.settings = settings;
        this.distance = distance != null ? distance : defaultDistance();
        this.reducer = reducer != null ? reducer : defaultReducer();
    }

    /**
     * The declared settings this loss was made from.
     *
     * @return the settings, or null for a loss made from a distance and a reducer alone
     */
    @Override
    public Settings settings() {
        return settings;
    }

    /**
     * The distance used when none is given (PML's {@code get_default_distance}). Called from the constructor: it must
     * not read the subclass's fields.
     *
     * @return normalised L2, PML's default; null for a loss that compares with class weights instead
     */
    protected Distance defaultDistance() {
        return Distance.euclidean().normalized();
    }

    /**
     * The reducer used when none is given (PML's {@code get_default_reducer}). Called from the constructor: it must
     * not read the subclass's fields.
     *
     * @return null: by default a loss has no reducer and reduces as its reference does
     */
    protected Reducer defaultReducer() {
        return null;
    }

    /**
     * The distance between embeddings.
     *
     * @return the distance, or null for a loss that compares embeddings with class weights
     */
    public final Distance distance() {
        return distance;
    }

    /**
     * The reducer that turns the per-element losses into the scalar.
     *
     * @return the reducer, or null for a loss that reduces as its reference does
     */
    public final Reducer reducer() {
        return reducer;
    }

    /**
     * Computes the loss over all tuples of the batch.
     *
     * @param embeddings {@code (n, d)}
     * @param groups {@code (n)} integer labels
     * @return the scalar loss
     */
    public final NDArray forward(NDArray embeddings, NDArray groups) {
        return forward(embeddings, groups, null, null, null);
    }

    /**
     * Computes the loss over mined tuples.
     *
     * @param embeddings {@code (n, d)}
     * @param groups {@code (n)} integer labels
     * @param tuples mined tuples, or null for all
     * @return the scalar loss
     */
    public final NDArray forward(NDArray embeddings, NDArray groups, IndexTuples tuples) {
        return forward(embeddings, groups, tuples, null, null);
    }

    /**
     * Computes the loss of the batch against reference embeddings (e.g. a cross-batch memory).
     *
     * @param embeddings {@code (n, d)} anchors
     * @param groups {@code (n)} labels
     * @param tuples mined tuples (anchor indices into embeddings, others into the references), or null for all
     * @param refEmbeddings {@code (m, d)} references, or null for the batch itself
     * @param refGroups {@code (m)} reference labels, or null
     * @return the scalar loss
     */
    public NDArray forward(NDArray embeddings, NDArray groups, IndexTuples tuples, NDArray refEmbeddings,
            NDArray refGroups) {
        if (tuples != null && !usesMinedTuples()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " cannot use mined tuples: "
                    + minedTuplesIgnoredBecause() + "; call forward without tuples");
        }
        String who = getClass().getSimpleName();
        LossInputs inputs = LossInputs.of(embeddings, groups, tuples, refEmbeddings, refGroups, who);
        return compute(inputs).reduce(reducer, inputs.zero(), who);
    }

    /**
     * Whether {@link #compute} honours mined tuples. A loss that does not (its mining is internal, or it compares
     * embeddings with class weights) rejects them, in {@code forward} and when a model configures a miner, instead of
     * ignoring them silently.
     *
     * @return true by default
     */
    public boolean usesMinedTuples() {
        return true;
    }

    /**
     * Why this loss cannot use mined tuples, for the message (only when {@link #usesMinedTuples()} is false).
     *
     * @return a short reason
     */
    public String minedTuplesIgnoredBecause() {
        return "it does not take mined tuples";
    }

    /**
     * The loss itself, on validated inputs, before reduction.
     *
     * @param in the inputs
     * @return the per-element losses (reduced by the base with {@link #reducer()}), or an already reduced scalar
     */
    protected abstract LossTerms compute(LossInputs in);

    @Override
    public String toString() {
        return getClass().getSimpleName() + config();
    }

    /**
     * The settings: the declared ones when the loss has a declaration, else {@code distance} and {@code reducer}
     * (a subclass without a declaration adds its own to it).
     *
     * @return a new object
     */
    @Override
    public JsonObject config() {
        if (settings != null) {
            return settings.toJson();
        }
        JsonObject json = new JsonObject();
        if (distance != null) {
            json.add("distance", distance.config());
        }
        if (reducer != null) {
            json.addProperty("reducer", reducer.name());
        }
        return json;
    }
}
