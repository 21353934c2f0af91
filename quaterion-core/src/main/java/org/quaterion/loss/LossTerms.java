package org.quaterion.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.List;
import org.quaterion.reducer.Reducer;
import org.quaterion.reducer.TermType;
import org.quaterion.reducer.Terms;

/**
 * What a loss computes before reduction, as PML's loss dictionaries with their reduction type: per-element losses
 * (one per anchor, pair or triplet), optionally with a mask of the ones that exist, which the loss's {@link Reducer}
 * turns into the scalar; a value the loss already reduced as its reference defines; a value the loss reduced with
 * its own reducer while computing (the blocked triplet machinery, so that B³ terms never exist at once); or nothing
 * to learn from. Several parts (PML's {@code pos_loss} and {@code neg_loss}) are reduced separately and added.
 *
 * <p>The loss's base checks each kind against the loss's declared {@link Reduction}: a mismatch is a bug in the
 * loss and raises {@link IllegalStateException}, never a silently skipped reducer.
 */
public final class LossTerms {

    private enum Kind {
        ELEMENTS, ALREADY_REDUCED, REDUCED_WITH, NONE, PARTS, FIXED_PART
    }

    private static final LossTerms NONE = new LossTerms(Kind.NONE, null, null, null, List.of());

    private final Kind kind;
    private final NDArray losses;
    private final NDArray mask;
    private final Reducer reducedWith;
    private final List<LossTerms> parts;
    private final String part;
    private final TermType type;
    private final NDArray anchors;
    private final NDArray labels;
    private final NDArray others;
    private final NDArray divisor;

    private LossTerms(Kind kind, NDArray losses, NDArray mask, Reducer reducedWith, List<LossTerms> parts) {
        this(kind, losses, mask, reducedWith, parts, Terms.SINGLE_PART, null, null, null);
    }

    private LossTerms(Kind kind, NDArray losses, NDArray mask, Reducer reducedWith, List<LossTerms> parts,
            String part, TermType type, NDArray anchors, NDArray labels) {
        this(kind, losses, mask, reducedWith, parts, part, type, anchors, labels, null);
    }

    private LossTerms(Kind kind, NDArray losses, NDArray mask, Reducer reducedWith, List<LossTerms> parts,
            String part, TermType type, NDArray anchors, NDArray labels, NDArray others) {
        this(kind, losses, mask, reducedWith, parts, part, type, anchors, labels, others, null);
    }

    private LossTerms(Kind kind, NDArray losses, NDArray mask, Reducer reducedWith, List<LossTerms> parts,
            String part, TermType type, NDArray anchors, NDArray labels, NDArray others, NDArray divisor) {
        this.kind = kind;
        this.losses = losses;
        this.mask = mask;
        this.reducedWith = reducedWith;
        this.parts = parts;
        this.part = part;
        this.type = type;
        this.anchors = anchors;
        this.labels = labels;
        this.others = others;
        this.divisor = divisor;
    }

    /**
     * One loss per anchor row of the batch (PML's element losses indexed by the embeddings), so that reducers that
     * weight or group by anchor can serve them.
     *
     * @param losses {@code (n)}
     * @param labels {@code (n)} labels of the batch, or {@code (n, C)} label sets (which a reducer that weights by
     *     class refuses)
     * @return the terms
     */
    public static LossTerms perAnchor(NDArray losses, NDArray labels) {
        NDArray rows = labels.getManager().arange((int) labels.getShape().get(0)).toType(DataType.INT64, false);
        return new LossTerms(Kind.ELEMENTS, losses, null, null, List.of(), Terms.SINGLE_PART, TermType.ELEMENT, rows,
                labels);
    }

    /**
     * Pair losses as an {@code (n, m)} matrix over anchors (rows of the batch) and references, of which the masked
     * ones exist (PML's {@code pos_pair} / {@code neg_pair} losses).
     *
     * @param part the part's name, e.g. {@code "pos_loss"}
     * @param type {@link TermType#POS_PAIR} or {@link TermType#NEG_PAIR}
     * @param losses {@code (n, m)}
     * @param mask boolean {@code (n, m)}
     * @param labels {@code (n)} labels of the batch
     * @return the terms
     */
    public static LossTerms pairs(String part, TermType type, NDArray losses, NDArray mask, NDArray labels) {
        NDArray rows = labels.getManager().arange((int) labels.size()).toType(DataType.INT64, false).expandDims(1);
        return new LossTerms(Kind.ELEMENTS, losses, mask, null, List.of(), part, type, rows, labels);
    }

    /**
     * Pair losses as a list, one per listed pair with its anchor row and reference column (PML's {@code pos_pair} /
     * {@code neg_pair} losses of mined pairs: a pair listed twice is two terms).
     *
     * @param part the part's name, e.g. {@code "pos_loss"}
     * @param type {@link TermType#POS_PAIR} or {@link TermType#NEG_PAIR}
     * @param losses {@code (k)}
     * @param anchors INT64 {@code (k)} anchor row of each pair
     * @param others INT64 {@code (k)} reference column of each pair
     * @param labels {@code (n)} labels of the batch
     * @return the terms
     */
    public static LossTerms pairList(String part, TermType type, NDArray losses, NDArray anchors, NDArray others,
            NDArray labels) {
        return new LossTerms(Kind.ELEMENTS, losses, null, null, List.of(), part, type, anchors, labels, others);
    }

    /**
     * Triplet losses with the anchor row of each (PML's {@code triplet} losses).
     *
     * @param losses any shape
     * @param mask boolean, the shape of {@code losses}, or null when all exist
     * @param anchors INT64 anchor row of each triplet, broadcastable to {@code losses}
     * @param labels {@code (n)} labels of the batch
     * @return the terms
     */
    public static LossTerms triplets(NDArray losses, NDArray mask, NDArray anchors, NDArray labels) {
        return new LossTerms(Kind.ELEMENTS, losses, mask, null, List.of(), Terms.SINGLE_PART, TermType.TRIPLET,
                anchors, labels);
    }

    /**
     * One loss per class (PML's element losses indexed by the classes, e.g. ProxyAnchorLoss's per-proxy terms): a
     * reducer that weights by class weights each loss by its own class.
     *
     * @param part the part's name, e.g. {@code "pos_loss"}
     * @param losses {@code (C)}
     * @return the terms
     */
    public static LossTerms perClass(String part, NDArray losses) {
        NDArray classes = losses.getManager().arange((int) losses.size()).toType(DataType.INT64, false);
        return new LossTerms(Kind.ELEMENTS, losses, null, null, List.of(), part, TermType.ELEMENT, classes, classes);
    }

    /**
     * A part the loss reduced itself, which every reducer passes through (PML's {@code already_reduced} sub-loss
     * of a loss that otherwise has a reducer, e.g. MarginLoss's {@code beta_reg_loss}).
     *
     * @param part the part's name
     * @param value the scalar
     * @return the terms
     */
    public static LossTerms fixedPart(String part, NDArray value) {
        return new LossTerms(Kind.FIXED_PART, value, null, null, List.of(), part, null, null, null);
    }

    /**
     * These terms under a part name (PML's sub-loss name, e.g. {@code "margin_loss"}), which {@code multiple}
     * reducers select by.
     *
     * @param name the part's name
     * @return the renamed terms
     */
    public LossTerms named(String name) {
        return new LossTerms(kind, losses, mask, reducedWith, parts, name, type, anchors, labels, others, divisor);
    }

    /**
     * These terms with the number their sum is divided by under PML's {@code DivisorReducer}.
     *
     * @param value the scalar divisor (an integer count)
     * @return the terms with the divisor
     */
    public LossTerms withDivisor(NDArray value) {
        return new LossTerms(kind, losses, mask, reducedWith, parts, part, type, anchors, labels, others, value);
    }

    /**
     * Per-element losses, all of which count ({@link Reduction#REDUCER}).
     *
     * @param losses any shape
     * @return the terms
     */
    public static LossTerms of(NDArray losses) {
        return new LossTerms(Kind.ELEMENTS, losses, null, null, List.of());
    }

    /**
     * Per-element losses of which only the masked ones exist, e.g. the positive pairs of a distance matrix
     * ({@link Reduction#REDUCER}).
     *
     * @param losses any shape
     * @param mask boolean, the shape of {@code losses}
     * @return the terms
     */
    public static LossTerms masked(NDArray losses, NDArray mask) {
        return new LossTerms(Kind.ELEMENTS, losses, mask, null, List.of());
    }

    /**
     * The scalar a loss of {@link Reduction#ALREADY_REDUCED} defines (its reference's own reduction).
     *
     * @param value the scalar
     * @return the terms
     */
    public static LossTerms alreadyReduced(NDArray value) {
        return new LossTerms(Kind.ALREADY_REDUCED, value, null, null, List.of());
    }

    /**
     * A scalar that a loss of {@link Reduction#REDUCER} reduced with its own reducer while computing (to avoid
     * holding every element at once); the base checks that it is the loss's reducer.
     *
     * @param reducer the reducer used, the loss's {@code reducer()}
     * @param value the scalar
     * @return the terms
     */
    public static LossTerms reducedWith(Reducer reducer, NDArray value) {
        return new LossTerms(Kind.REDUCED_WITH, value, null, reducer, List.of());
    }

    /**
     * Nothing to learn from (no valid pair, triplet or anchor): the loss is the graph-connected 0 of the inputs.
     *
     * @return the terms
     */
    public static LossTerms none() {
        return NONE;
    }

    /**
     * Parts reduced separately and added (PML reduces a contrastive loss's positive and negative parts apart).
     *
     * @param parts the parts
     * @return the terms
     */
    public static LossTerms sum(LossTerms... parts) {
        return new LossTerms(Kind.PARTS, null, null, null, List.of(parts));
    }

    /**
     * Reduces the terms to the scalar loss as the loss's declared reduction says.
     *
     * @param reducer the loss's reducer; null exactly when the reduction is {@link Reduction#ALREADY_REDUCED}
     * @param zero the graph-connected zero returned when nothing counts
     * @param who the loss, for the message
     * @return the scalar
     * @throws IllegalStateException when the terms do not match the declared reduction (a bug in the loss)
     */
    NDArray reduce(Reducer reducer, NDArray zero, String who) {
        if (reducer != null && kind != Kind.NONE && kind != Kind.ALREADY_REDUCED) {
            reducer.checkParts(kind == Kind.PARTS ? parts.stream().map(p -> p.part).toList() : List.of(part), who);
        }
        return reduceParts(reducer, zero, who);
    }

    private NDArray reduceParts(Reducer reducer, NDArray zero, String who) {
        switch (kind) {
            case NONE:
                return zero;
            case PARTS:
                NDArray total = null;
                for (LossTerms p : parts) {
                    NDArray v = p.reduceParts(reducer, zero, who);
                    total = total == null ? v : total.add(v);
                }
                return total == null ? zero : total;
            case FIXED_PART:
                return losses;
            case ALREADY_REDUCED:
                if (reducer != null) {
                    throw new IllegalStateException(who + " returned an already reduced value but declares reduction "
                            + "REDUCER (reducer " + reducer.name() + "); return per-element LossTerms, or declare "
                            + "Reduction.ALREADY_REDUCED in reduction()");
                }
                return losses;
            case REDUCED_WITH:
                if (reducedWith != reducer) {
                    throw new IllegalStateException(who + " reduced with " + reducedWith.name() + " but its reducer is "
                            + (reducer == null ? "none" : reducer.name()) + "; reduce with reducer()");
                }
                return losses;
            default:
                if (reducer == null) {
                    throw new IllegalStateException(who + " returned per-element losses but declares reduction "
                            + "ALREADY_REDUCED, so it has no reducer; return LossTerms.alreadyReduced, or declare "
                            + "Reduction.REDUCER with a defaultReducer()");
                }
                String source = part.equals(Terms.SINGLE_PART) ? who : who + " (" + part + ")";
                return reducer.reduce(new Terms(source, part, type, losses, mask, anchors, labels, divisor, others), zero);
        }
    }
}
