/**
 * Inference: {@link org.quaterion.models.SimilarityModel} (named encoders + head), its saved format and the
 * {@link org.quaterion.models.ModelRegistry} of type names. Depends on DJL's api only.
 */
package org.quaterion.models;
