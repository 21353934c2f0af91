/**
 * The saved-model format's own checks: bounds on artifact files and head parameters, the parameter file format, and
 * parameter shapes against a declared architecture. Not part of the API, for quaterion-models' own packages only (a
 * build check refuses its use from another module): names and signatures may change in any release.
 */
package org.quaterion.models.internal;
