/** Training components (losses, miners, distances, reducers) by name, rebuilt from their configs. */
package org.quaterion.registry;
