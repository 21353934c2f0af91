package org.quaterion.reducer;

/**
 * What one unreduced loss belongs to, PML's reduction types: an element (an anchor, a class, a dimension), a positive
 * pair, a negative pair or a triplet. A reducer may serve only some of them (PML's {@code PerAnchorReducer} refuses
 * triplets).
 */
public enum TermType {
    /** One loss per element, PML's {@code "element"}. */
    ELEMENT,
    /** One loss per positive pair (anchor, positive), PML's {@code "pos_pair"}. */
    POS_PAIR,
    /** One loss per negative pair (anchor, negative), PML's {@code "neg_pair"}. */
    NEG_PAIR,
    /** One loss per triplet (anchor, positive, negative), PML's {@code "triplet"}. */
    TRIPLET
}
