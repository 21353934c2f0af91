/** File helpers for saved models: atomic directory writes, checksums, JSON. */
package org.quaterion.models.io;
