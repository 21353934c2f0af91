/** Stage-2 classifiers trained on a frozen model's embeddings: {@link org.quaterion.probe.LinearProbe}. */
package org.quaterion.probe;
