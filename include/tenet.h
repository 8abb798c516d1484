/* tenet.h — the whole public API of libtenet.
 *
 * Conventions: every fallible function returns a tenet_status and, when the
 * caller passes a non-NULL tenet_error, fills it with a message and position.
 * Handles are opaque; *_free accepts NULL. The library never prints, exits or
 * aborts, and has no global state: no init call is needed. */
#ifndef TENET_H
#define TENET_H

#include "tenet/common.h"
#include "tenet/errors.h"
#include "tenet/version.h"
#include "tenet/ruleset.h"
#include "tenet/check.h"

#endif
