/**
 * Reading and writing artifact directories safely, for every module that saves or loads one (models, indexes,
 * caches, checkpoints) and for authors of encoders with files of their own: atomic directory writes with a kind marker
 * ({@link org.quaterion.models.io.AtomicDirectory}), bounded reads of JSON and line files that name the file on every
 * failure ({@link org.quaterion.models.io.JsonFiles}, {@link org.quaterion.models.io.JsonFields},
 * {@link org.quaterion.models.io.ArtifactFiles}), SHA-256 checksums ({@link org.quaterion.models.io.Checksums}), and
 * the failures every reader reports: {@link org.quaterion.models.io.ModelFormatException} for a file that is missing,
 * malformed or of another version, {@link org.quaterion.models.io.CorruptArtifactException} for a damaged one. This
 * package uses no other package of quaterion-models, so every other one may use it.
 */
package org.quaterion.models.io;
