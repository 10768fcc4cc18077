/** The inline adapter's machinery: the baton and the schedulers. Not an API. */
package org.braid.inline.internal;
