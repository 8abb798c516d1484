/* The public header must compile as strict C99 (-pedantic -Werror). */
#include <tenet.h>

int main(void)
{
    tenet_check_options o = TENET_CHECK_OPTIONS_INIT;
    (void)o;
    return tenet_version() != 0 && tenet_version_number() == TENET_VERSION_NUMBER ? 0 : 1;
}
