/**
 * Helpers shared by the library's modules: GC-safe scalar operations, atomic directory writes, checksums, JSON and
 * parameter-shape helpers for saved models. Not part of the API: names and signatures may change in any release.
 */
package org.quaterion.models.internal;
