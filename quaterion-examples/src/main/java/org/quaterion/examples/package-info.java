/** Runnable end-to-end programs. */
package org.quaterion.examples;
