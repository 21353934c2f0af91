/**
 * Helpers shared by the library's modules. Not part of the API: names and signatures may change in any release.
 */
package org.quaterion.models.internal;
