/** Reducers: unreduced per-element, per-pair or per-triplet losses to one scalar, with PML's semantics. */
package org.quaterion.reducer;
