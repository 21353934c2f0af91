/** Benchmarks (plain harnesses that print Markdown tables); run through the {@code bench} Maven profile. */
package org.quaterion.examples.bench;
