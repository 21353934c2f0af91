package org.quaterion.train;

import ai.djl.ndarray.NDArray;
import com.google.gson.JsonObject;
import org.quaterion.loss.GroupLoss;
import org.quaterion.loss.LossInputs;
import org.quaterion.loss.LossTerms;
import org.quaterion.loss.Reduction;
import org.quaterion.loss.TripletLoss;

/**
 * A test loss: the default {@link TripletLoss} of the batch (over its mined tuples, if any), which a subclass may
 * change on a chosen call (a NaN, an infinite gradient, a side effect) to see how training reacts.
 */
abstract class AlteredTripletLoss extends GroupLoss {
    private final TripletLoss inner = new TripletLoss();
    private int calls;

    @Override
    protected final LossTerms compute(LossInputs in) {
        NDArray loss = inner.forward(in.embeddings(), in.labels(), in.tuples());
        return LossTerms.alreadyReduced(alter(++calls, in, loss));
    }

    /**
     * The loss this call returns.
     *
     * @param call how many times the loss was computed, this call included (from 1)
     * @param in the batch
     * @param loss the triplet loss of the batch
     * @return the value to train on
     */
    abstract NDArray alter(int call, LossInputs in, NDArray loss);

    @Override
    public final Reduction reduction() {
        return Reduction.ALREADY_REDUCED;
    }

    @Override
    public final JsonObject config() {
        return inner.config();
    }
}
