/** Training for Quaterion for Java: losses, distances, miners, datasets, the trainer and evaluation. */
package org.quaterion;
