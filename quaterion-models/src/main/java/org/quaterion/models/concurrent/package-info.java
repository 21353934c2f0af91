/** Concurrency helpers for models and encoders that hold native resources. */
package org.quaterion.models.concurrent;
