/** Training and evaluation samples: groups (an object and its class) and pairs (two objects and a score). */
package org.quaterion.dataset;
