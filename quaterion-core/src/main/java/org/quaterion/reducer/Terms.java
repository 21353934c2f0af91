package org.quaterion.reducer;

import ai.djl.ndarray.NDArray;

/**
 * The unreduced losses of one part of a loss with what a reducer may need to know of them (PML's loss dictionary
 * entry): their {@link TermType}, which ones exist, the anchor row each belongs to and the batch's labels.
 *
 * @param source the loss and part, for messages (e.g. {@code "ContrastiveLoss (pos_loss)"})
 * @param part the part's name: {@code "loss"} for a loss of one part, else e.g. {@code "pos_loss"}
 * @param type the reduction type, or null when the loss does not state it
 * @param losses unreduced losses of any shape
 * @param mask boolean of the shape of {@code losses}, the losses that exist; null when all do
 * @param anchors INT64 anchor row (in the batch) of each loss, broadcastable to {@code losses} (e.g. {@code (n, 1)}
 *     for an {@code (n, m)} pair matrix); null when the loss does not state it
 * @param labels INT64 {@code (n)} labels of the batch's rows, or {@code (n, C)} 0/1 label sets of a multi-label loss;
 *     null when not given
 * @param divisor scalar the loss divides the sum by (PML's {@code divisor}); null when the loss states none
 * @param others INT64 reference column of each pair loss listed from mined pairs (which may repeat a pair); null
 *     when the losses are not such a list
 */
public record Terms(String source, String part, TermType type, NDArray losses, NDArray mask, NDArray anchors,
        NDArray labels, NDArray divisor, NDArray others) {

    /** The name of the only part of a loss that has one part (PML's {@code "loss"}). */
    public static final String SINGLE_PART = "loss";

    /**
     * Losses of unstated type and anchors, all of which exist.
     *
     * @param source the loss, for messages
     * @param losses the losses
     * @return the terms
     */
    public static Terms of(String source, NDArray losses) {
        return new Terms(source, SINGLE_PART, null, losses, null, null, null, null, null);
    }

    /**
     * The same terms with other losses, mask and anchors (a reducer turning pair losses into per-anchor losses); no
     * longer a list of pairs.
     *
     * @param newType the type of the new losses
     * @param newLosses the losses
     * @param newMask their mask, or null
     * @param newAnchors their anchors, or null
     * @return the terms
     */
    public Terms with(TermType newType, NDArray newLosses, NDArray newMask, NDArray newAnchors) {
        return new Terms(source, part, newType, newLosses, newMask, newAnchors, labels, divisor, null);
    }

    /**
     * The losses that exist, flattened in row-major order (PML's order of pairs and triplets).
     *
     * @return a 1-D array
     */
    public NDArray existing() {
        return mask == null ? losses.flatten() : losses.booleanMask(mask);
    }

    /**
     * The number of rows of the batch.
     *
     * @return the labels' first dimension
     * @throws IllegalArgumentException when the labels are not given
     */
    public long rows() {
        return requireAnchors("know the batch size").labels.getShape().get(0);
    }

    /**
     * Refuses terms whose anchors or labels are unknown.
     *
     * @param why what the reducer needs them for, for the message
     * @return these terms
     * @throws IllegalArgumentException naming the loss, the part and the fix
     */
    public Terms requireAnchors(String why) {
        if (anchors == null || labels == null) {
            throw new IllegalArgumentException(source + " does not state the anchor of each of its losses, which the "
                    + "reducer needs to " + why + "; use mean, sum, avg_non_zero or threshold with it");
        }
        return this;
    }

    /**
     * The anchor index of every loss, expanded to the losses' shape.
     *
     * @return INT64, the shape of {@code losses}
     */
    public NDArray anchorsPerLoss() {
        return anchors.getShape().equals(losses.getShape()) ? anchors : anchors.broadcast(losses.getShape());
    }
}
