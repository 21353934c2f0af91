package org.quaterion.state;

import ai.djl.ndarray.NDManager;

/**
 * A training component whose state goes into checkpoints: {@link #saveState} is called when a checkpoint is
 * written, {@link #loadState} once on resume, before the first step. A component that keeps nothing between steps
 * does not implement it.
 */
public interface Stateful {

    /**
     * The state to checkpoint. Arrays must be copies attached to {@code manager} (the checkpoint closes it after
     * writing), not the live arrays.
     *
     * @param manager the owner of the returned arrays
     * @return the state
     */
    ComponentState saveState(NDManager manager);

    /**
     * Restores the state saved by {@link #saveState}. Arrays are owned by the caller: copy what is kept.
     *
     * @param state the saved state
     * @throws IllegalArgumentException when the state does not fit this component (other sizes, missing keys)
     */
    void loadState(ComponentState state);
}
