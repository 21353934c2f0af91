/**
 * Declared settings: each component states its settings once ({@link org.quaterion.settings.Setting}, gathered in a
 * {@link org.quaterion.settings.ComponentSpec}); builders, {@code config()}, the registry and the docs derive from
 * that declaration.
 */
package org.quaterion.settings;
