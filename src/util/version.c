/* Runtime version of the linked library (compare with TENET_VERSION_NUMBER). */
#include "tenet/version.h"

TENET_EXTERN(const char *) tenet_version(void) { return TENET_VERSION_STRING; }

TENET_EXTERN(int) tenet_version_number(void) { return TENET_VERSION_NUMBER; }
