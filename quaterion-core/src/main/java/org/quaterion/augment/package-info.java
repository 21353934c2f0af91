/**
 * Data augmentation for loaders: {@link org.quaterion.augment.Augmentation}, image transforms
 * ({@link org.quaterion.augment.ImageAugmentation}) and text transforms
 * ({@link org.quaterion.augment.TextAugmentation}), seeded per (epoch, record, view).
 */
package org.quaterion.augment;
