/**
 * Loading servables saved by Python Quaterion ({@code quaterion_models}): {@link
 * org.quaterion.models.python.PythonServable}. See docs/coming-from-quaterion.md.
 */
package org.quaterion.models.python;
